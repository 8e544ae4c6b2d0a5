namespace Gateway.Inference.Pool;

public sealed partial class ModelPool
{
    /// <summary>Starts the eager models in the background; failures are logged and retried on first use.</summary>
    internal void StartEagerModels()
    {
        foreach (var instance in _models.Values.Where(m => m.Options.Eager))
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await EnsureStartedAsync(instance.Name, _disposing.Token);
                }
                catch (Exception e) when (e is ModelUnavailableException or OperationCanceledException or UnknownModelException)
                {
                    // Already logged with its reason.
                }
            });
        }
    }

    /// <summary>Health checks, keep-alive unloads and backoff resets, every <see cref="ModelPoolOptions.HealthInterval"/>.</summary>
    internal async Task SuperviseAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.CurrentValue.HealthInterval, _time, cancellation);
                foreach (var instance in _models.Values)
                {
                    await SuperviseAsync(instance, cancellation);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The supervision loop must outlive any one failure.
            catch (Exception e)
#pragma warning restore CA1031
            {
                PoolLog.SupervisionFailed(_logger, e);
            }
        }
    }

    private async Task SuperviseAsync(ModelInstance instance, CancellationToken cancellation)
    {
        var options = _options.CurrentValue;
        var now = _time.GetUtcNow();
        IModelServerProcess? process;
        Uri? baseUri;
        TimeSpan? keepAlive;
        lock (instance)
        {
            if (instance.State != LocalModelState.Ready)
            {
                return;
            }
            process = instance.Process;
            baseUri = instance.BaseUri;
            keepAlive = instance.Options.KeepAlive;
            if (instance.StartedAt is { } started && now - started > options.StableAfter)
            {
                instance.ConsecutiveCrashes = 0;
            }
        }
        if (process is null || baseUri is null)
        {
            return;
        }

        if (keepAlive is { } idle && instance.LastUsed is { } used && now - used > idle && instance.InFlight == 0)
        {
            await _gate.WaitAsync(cancellation);
            try
            {
                if (instance.Process == process)
                {
                    await StopCoreAsync(instance, $"idle for longer than its keep-alive of {idle}");
                }
            }
            finally
            {
                _gate.Release();
            }
            return;
        }

        ModelServerHealth? health = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(options.HealthTimeout);
            health = await _probe.ReadAsync(process.Address, process.ApiKey, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            // No answer within the timeout: a hung or stopped process.
        }
        var healthy = health is { Stalled: false };
        int failures;
        lock (instance)
        {
            instance.HealthFailures = healthy ? 0 : instance.HealthFailures + 1;
            failures = instance.HealthFailures;
        }
        if (healthy)
        {
            return;
        }
        if (health is { Stalled: true } stalled)
        {
            PoolLog.Stalled(_logger, instance.Name, stalled.LastStepAge, failures);
        }
        else
        {
            PoolLog.HealthFailed(_logger, instance.Name, failures);
        }
        if (failures >= options.HealthFailuresBeforeRestart)
        {
            var reason = health is null
                ? $"it did not answer {failures} health checks in a row"
                : $"its decode loop made no progress for {StalledAge(health)} while requests waited";
            lock (instance)
            {
                if (instance.Process != process)
                {
                    return;
                }
                instance.RestartReason = reason;
            }
            PoolLog.RestartingUnhealthy(_logger, instance.Name, reason);
            // Killing it takes the crash path: the requests it held fail (503), and it restarts.
            await process.DisposeAsync();
        }
    }

    private static string StalledAge(ModelServerHealth health) => $"{health.LastStepAge.TotalSeconds:0.#} s";
}
