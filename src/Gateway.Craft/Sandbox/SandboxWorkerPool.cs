using System.Diagnostics;
using Gateway.Craft.Worker;
using Microsoft.Extensions.Logging;

namespace Gateway.Craft.Sandbox;

/// <summary>
/// The sandbox's worker processes: a run takes an idle one or starts one; a worker whose run ended normally
/// stays idle (up to <see cref="SandboxOptions.WarmWorkers"/>), and one that was killed is replaced in the
/// background, so after the first runs a run seldom waits for a start. Every worker it started is tracked
/// until its process exits, so disposing the pool ends them all.
/// </summary>
internal sealed class SandboxWorkerPool : IDisposable
{
    private readonly SandboxOptions _options;
    private readonly ILogger _logger;
    private readonly WorkerLimits _limits;
    private readonly int _maxReplyBytes;
    private readonly int _warm;
    private readonly Stack<SandboxWorker> _idle = new();
    private readonly HashSet<SandboxWorker> _live = [];
    private readonly Lock _lock = new();
    private int _starting;
    private bool _disposed;

    public SandboxWorkerPool(SandboxOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _limits = SandboxWorkerLauncher.Limits(options);
        _maxReplyBytes = SandboxWorkerLauncher.MaxReplyBytes(options);
        _warm = Math.Min(options.WarmWorkers, options.MaxConcurrentRuns);
    }

    public int MaxReplyBytes => _maxReplyBytes;

    /// <summary>An idle worker, else a newly started one.</summary>
    /// <exception cref="SandboxWorkerException">No worker could be started.</exception>
    public async Task<SandboxWorker> RentAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_idle.TryPop(out var idle))
            {
                // One killed from outside while idle is skipped, not handed to a run.
                if (idle.IsAlive)
                {
                    return idle;
                }
            }
        }

        return await StartAsync(cancellationToken);
    }

    /// <summary>Takes back a worker whose run ended normally; keeps it idle, or ends it if enough are idle.</summary>
    public void Return(SandboxWorker worker)
    {
        lock (_lock)
        {
            if (!_disposed && !worker.HasExited && _idle.Count < _warm)
            {
                _idle.Push(worker);
                return;
            }
        }

        _ = worker.KillAsync();
    }

    /// <summary>
    /// Starts workers in the background until <see cref="SandboxOptions.WarmWorkers"/> are idle or starting; called
    /// when a worker was killed, so hostile runs do not leave the next runs to pay for starts.
    /// </summary>
    public void Replenish()
    {
        int missing;
        lock (_lock)
        {
            missing = _disposed ? 0 : _warm - _idle.Count - _starting;
            _starting += Math.Max(0, missing);
        }

        for (var i = 0; i < missing; i++)
        {
            _ = Task.Run(WarmOneAsync);
        }
    }

    private async Task WarmOneAsync()
    {
        try
        {
            var worker = await StartAsync(CancellationToken.None);
            Return(worker);
        }
        catch (SandboxWorkerException e)
        {
            SandboxLog.WarmStartFailed(_logger, e);
        }
        catch (ObjectDisposedException)
        {
            // The sandbox was disposed meanwhile.
        }
        finally
        {
            lock (_lock)
            {
                _starting--;
            }
        }
    }

    private async Task<SandboxWorker> StartAsync(CancellationToken cancellationToken)
    {
        var start = SandboxWorkerLauncher.CreateStartInfo(_options);
        var watch = Stopwatch.StartNew();
        var worker = await SandboxWorker.StartAsync(start, _limits, _maxReplyBytes, _options.WorkerStartTimeout, cancellationToken);
        bool disposed;
        lock (_lock)
        {
            disposed = _disposed;
            if (!disposed)
            {
                _live.Add(worker);
            }
        }

        if (disposed)
        {
            await worker.KillAsync();
            throw new ObjectDisposedException(nameof(JsSandbox));
        }

        _ = worker.Exited.ContinueWith(_ => Forget(worker), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        SandboxLog.WorkerStarted(_logger, worker.ProcessId, watch.ElapsedMilliseconds);
        return worker;
    }

    private void Forget(SandboxWorker worker)
    {
        lock (_lock)
        {
            _live.Remove(worker);
        }
    }

    /// <summary>Kills every worker; runs on them end with <see cref="SandboxErrorKind.WorkerFailed"/>.</summary>
    public void Dispose()
    {
        SandboxWorker[] workers;
        lock (_lock)
        {
            _disposed = true;
            workers = [.. _live];
            _idle.Clear();
        }

        foreach (var worker in workers)
        {
            _ = worker.KillAsync();
        }
    }
}
