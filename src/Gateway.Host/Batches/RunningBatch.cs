using Gateway.State.Batches;

namespace Gateway.Host.Batches;

/// <summary>
/// A batch the runner is working on: its record, changed only through <see cref="UpdateAsync"/> (the runner's lines and
/// a cancel both write it), and the signal that stops lines not yet started.
/// </summary>
internal sealed class RunningBatch(StoredBatch batch, IBatchStore store, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _cancel = new();

    public StoredBatch Current { get; private set; } = batch;

    /// <summary>Cancelled when the batch is, or when this replica lost its claim: lines not yet started stay unsent.</summary>
    public CancellationToken Cancelled => _cancel.Token;

    /// <summary>Set when another replica took the batch over: this one neither starts lines nor finishes it.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>
    /// Applies <paramref name="change"/> and saves the record. A cancel made on another replica is taken in first: the
    /// record may have been written over since, but the store's cancel mark stays.
    /// </summary>
    public async Task<StoredBatch> UpdateAsync(Func<StoredBatch, StoredBatch> change, CancellationToken cancellationToken = default)
    {
        bool cancelled;
        await _lock.WaitAsync(cancellationToken);
        try
        {
            Current = change(Current);
            cancelled = Current.Status is BatchStatuses.InProgress or BatchStatuses.Validating
                && await store.IsCancelRequestedAsync(Current.Id, cancellationToken);
            if (cancelled)
            {
                Current = Current with { Status = BatchStatuses.Cancelling, CancellingAt = Current.CancellingAt ?? time.GetUtcNow().ToUnixTimeSeconds() };
            }

            await store.SaveBatchAsync(Current, cancellationToken);
        }
        finally
        {
            _lock.Release();
        }

        if (cancelled || Current.Status == BatchStatuses.Cancelling)
        {
            await _cancel.CancelAsync();
        }

        return Current;
    }

    public Task<StoredBatch> CancelAsync(long now) =>
        UpdateAsync(b => b.Status is BatchStatuses.InProgress or BatchStatuses.Validating
            ? b with { Status = BatchStatuses.Cancelling, CancellingAt = now }
            : b);

    /// <summary>Stops starting lines: another replica holds the batch now and finishes it.</summary>
    public Task AbandonAsync()
    {
        Abandoned = true;
        return _cancel.CancelAsync();
    }

    public void Dispose()
    {
        _lock.Dispose();
        _cancel.Dispose();
    }
}
