using System.Collections.Concurrent;
using System.Threading.Channels;
using Gateway.State.Batches;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Batches;

/// <summary>
/// Runs batches one after another, each line through the front door (<see cref="BatchLineSender"/>), at most
/// <see cref="BatchOptions.MaxConcurrentLines"/> lines at once. Each finished line is recorded in the store before the
/// next count is shown, so a gateway started again (on the same directory or Redis) resumes every unfinished batch
/// where it stopped: lines recorded are not sent again, lines in flight at the stop are (at-least-once). Replicas on one
/// Redis run each batch on one of them: a replica claims a batch before running it and extends the claim while it runs
/// (<see cref="BatchOptions.ClaimLease"/>); the others look again every lease and take over a batch whose claim lapsed.
/// A cancel made on any replica reaches the one running the batch through the store.
/// </summary>
internal sealed partial class BatchRunner(
    IBatchStore store, BatchLineSender sender, IOptionsMonitor<BatchOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<BatchRunner> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    // Ids in the queue now, so the periodic look at unfinished batches never queues one twice.
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    private readonly string _runnerId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, RunningBatch> _running = new(StringComparer.Ordinal);
    // Held while a batch starts running or is cancelled before it does, so a cancel is never lost between the two.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _lines = new(options.CurrentValue.MaxConcurrentLines);

    /// <summary>Batch lines in flight now (for tests and the bench).</summary>
    public int LinesInFlight => options.CurrentValue.MaxConcurrentLines - _lines.CurrentCount;

    public void Enqueue(string batchId)
    {
        if (_queued.TryAdd(batchId, 0))
        {
            _queue.Writer.TryWrite(batchId);
        }
    }

    /// <summary>Cancels the batch: lines not started stay unsent, and it ends <c>cancelled</c> once lines in flight finish.</summary>
    public async Task<StoredBatch> CancelAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_running.TryGetValue(batch.Id, out var running))
            {
                return await running.CancelAsync(now);
            }

            // Not running here: the replica running it sees the store's cancel mark; one that has not started it yet finds
            // it cancelling when its turn comes (or at the next start).
            var current = await store.GetBatchAsync(batch.Id, cancellationToken) ?? batch;
            if (current.Status is BatchStatuses.Validating or BatchStatuses.InProgress)
            {
                await store.RequestCancelAsync(batch.Id, CancelMarkLifetime(current, now), cancellationToken);
                current = current with { Status = BatchStatuses.Cancelling, CancellingAt = now };
                await store.SaveBatchAsync(current, cancellationToken);
            }

            return current;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Application stopping comes before the server stops taking requests: lines in flight then are left unrecorded
        // (and run again at the next start) instead of being recorded as the failures the stopping server would give.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            // Lines go to the server's own address, known (and answering) only once it has started.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stopping.Token);
            }

            await QueueUnfinishedAsync(resuming: true, stopping.Token);
            var looking = store.IsShared ? LookForLapsedClaimsAsync(stopping.Token) : Task.CompletedTask;
            try
            {
                await foreach (var id in _queue.Reader.ReadAllAsync(stopping.Token))
                {
                    _queued.TryRemove(id, out _);
                    try
                    {
                        await RunAsync(id, stopping.Token);
                    }
                    catch (Exception e) when (!stopping.IsCancellationRequested)
                    {
                        LogBatchFailed(logger, e, id);
                    }
                }
            }
            finally
            {
                // It ends on the same stop.
                await looking;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task QueueUnfinishedAsync(bool resuming, CancellationToken stopping)
    {
        foreach (var batch in (await store.ListBatchesAsync(null, stopping)).Where(b => !b.IsTerminal && !_running.ContainsKey(b.Id)).OrderBy(b => b.CreatedAt))
        {
            if (resuming)
            {
                LogResuming(logger, batch.Id, batch.Status);
            }

            Enqueue(batch.Id);
        }
    }

    // Another replica's batches are queued here too: running one starts with a claim, which fails while that replica
    // holds it, so only batches whose replica stopped (its claim lapsed) run here.
    private async Task LookForLapsedClaimsAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.ClaimLease, time, stopping);
                await QueueUnfinishedAsync(resuming: false, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLookFailed(logger, e);
            }
        }
    }

    // Extends the claim while the batch runs, and takes in a cancel made on another replica even when no line ends.
    private async Task KeepClaimAsync(RunningBatch running, CancellationToken cancellationToken)
    {
        var lease = options.CurrentValue.ClaimLease;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lease / 3, time, cancellationToken);
                if (!await store.TryClaimAsync(running.Current.Id, _runnerId, lease, cancellationToken))
                {
                    LogClaimLost(logger, running.Current.Id);
                    await running.AbandonAsync();
                    return;
                }

                if (running.Current.Status is BatchStatuses.InProgress && await store.IsCancelRequestedAsync(running.Current.Id, cancellationToken))
                {
                    await running.CancelAsync(time.GetUtcNow().ToUnixTimeSeconds());
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is out of reach: try again next time; the claim lapses only if it stays so for a lease.
                LogKeepFailed(logger, e, running.Current.Id);
            }
        }
    }

    // The mark outlives the batch's window, after which no replica runs it anyway.
    private static TimeSpan CancelMarkLifetime(StoredBatch batch, long now) =>
        TimeSpan.FromSeconds(Math.Max(batch.ExpiresAt - now, 0)) + TimeSpan.FromDays(1);

    private async Task RunAsync(string id, CancellationToken stopping)
    {
        RunningBatch running;
        await _gate.WaitAsync(stopping);
        try
        {
            if (await store.GetBatchAsync(id, stopping) is not { IsTerminal: false } batch || _running.ContainsKey(id)
                || !await store.TryClaimAsync(id, _runnerId, options.CurrentValue.ClaimLease, stopping))
            {
                return;
            }

            // A cancel on another replica whose record was written over since still stands.
            if (batch.Status is BatchStatuses.InProgress or BatchStatuses.Validating && await store.IsCancelRequestedAsync(id, stopping))
            {
                batch = batch with { Status = BatchStatuses.Cancelling, CancellingAt = batch.CancellingAt ?? time.GetUtcNow().ToUnixTimeSeconds() };
            }

            running = new RunningBatch(batch, store, time);
            _running[id] = running;
        }
        finally
        {
            _gate.Release();
        }

        using var keeping = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var keeper = KeepClaimAsync(running, keeping.Token);
        try
        {
            await RunLinesAsync(running, stopping);
        }
        finally
        {
            await keeping.CancelAsync();
            await keeper;
            _running.TryRemove(id, out _);
            running.Dispose();
            if (!running.Abandoned)
            {
                // Stopping or done: another replica may take it over at once (a finished batch it skips).
                await ReleaseClaimQuietlyAsync(id);
            }
        }
    }

    private async Task ReleaseClaimQuietlyAsync(string id)
    {
        try
        {
            await store.ReleaseClaimAsync(id, _runnerId, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Unreleased, the claim lapses after a lease.
            LogKeepFailed(logger, e, id);
        }
    }
}
