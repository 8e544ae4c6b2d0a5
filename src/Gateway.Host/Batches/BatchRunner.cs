using System.Collections.Concurrent;
using System.Threading.Channels;
using Gateway.State.Batches;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Batches;

/// <summary>
/// Runs batches one after another, each line through the front door (<see cref="BatchLineSender"/>), at most
/// <see cref="BatchOptions.MaxConcurrentLines"/> lines at once. Each finished line is recorded in the store before the
/// next count is shown, so a gateway started again (on the same directory or Redis) resumes every unfinished batch
/// where it stopped: lines recorded are not sent again, lines in flight at the stop are (at-least-once).
/// </summary>
internal sealed partial class BatchRunner(
    IBatchStore store, BatchLineSender sender, IOptionsMonitor<BatchOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<BatchRunner> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, RunningBatch> _running = new(StringComparer.Ordinal);
    // Held while a batch starts running or is cancelled before it does, so a cancel is never lost between the two.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _lines = new(options.CurrentValue.MaxConcurrentLines);

    /// <summary>Batch lines in flight now (for tests and the bench).</summary>
    public int LinesInFlight => options.CurrentValue.MaxConcurrentLines - _lines.CurrentCount;

    public void Enqueue(string batchId) => _queue.Writer.TryWrite(batchId);

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

            // Not started yet: the runner finds it cancelling when its turn comes (or at the next start).
            var current = await store.GetBatchAsync(batch.Id, cancellationToken) ?? batch;
            if (current.Status is BatchStatuses.Validating or BatchStatuses.InProgress)
            {
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

            foreach (var batch in (await store.ListBatchesAsync(null, stopping.Token)).Where(b => !b.IsTerminal).OrderBy(b => b.CreatedAt))
            {
                LogResuming(logger, batch.Id, batch.Status);
                Enqueue(batch.Id);
            }

            await foreach (var id in _queue.Reader.ReadAllAsync(stopping.Token))
            {
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
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(string id, CancellationToken stopping)
    {
        RunningBatch running;
        await _gate.WaitAsync(stopping);
        try
        {
            if (await store.GetBatchAsync(id, stopping) is not { IsTerminal: false } batch || _running.ContainsKey(id))
            {
                return;
            }

            running = new RunningBatch(batch, store);
            _running[id] = running;
        }
        finally
        {
            _gate.Release();
        }

        try
        {
            await RunLinesAsync(running, stopping);
        }
        finally
        {
            _running.TryRemove(id, out _);
            running.Dispose();
        }
    }
}
