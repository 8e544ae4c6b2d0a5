using Gateway.State.Batches;

namespace Gateway.Host.Batches;

/// <summary>
/// A batch the runner is working on: its record, changed only through <see cref="UpdateAsync"/> (the runner's lines and
/// a cancel both write it), and the signal that stops lines not yet started.
/// </summary>
internal sealed class RunningBatch(StoredBatch batch, IBatchStore store) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _cancel = new();

    public StoredBatch Current { get; private set; } = batch;

    /// <summary>Cancelled when the batch is: lines not yet started stay unsent.</summary>
    public CancellationToken Cancelled => _cancel.Token;

    public async Task<StoredBatch> UpdateAsync(Func<StoredBatch, StoredBatch> change, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            Current = change(Current);
            await store.SaveBatchAsync(Current, cancellationToken);
            return Current;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<StoredBatch> CancelAsync(long now)
    {
        var batch = await UpdateAsync(b => b.Status is BatchStatuses.InProgress or BatchStatuses.Validating
            ? b with { Status = BatchStatuses.Cancelling, CancellingAt = now }
            : b);
        await _cancel.CancelAsync();
        return batch;
    }

    public void Dispose()
    {
        _lock.Dispose();
        _cancel.Dispose();
    }
}
