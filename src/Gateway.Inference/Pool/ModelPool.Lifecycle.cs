using System.Diagnostics;

namespace Gateway.Inference.Pool;

public sealed partial class ModelPool
{
    /// <summary>Starts a model's server; the caller holds the pool gate.</summary>
    private async Task<Uri> StartCoreAsync(ModelInstance instance, CancellationToken cancellation)
    {
        LocalModelOptions options;
        lock (instance)
        {
            options = instance.Options;
            instance.MemoryBytes = MemoryFor(options);
        }
        await MakeRoomAsync(instance);

        lock (instance)
        {
            instance.State = LocalModelState.Starting;
        }
        PoolLog.Starting(_logger, instance.Name, options.Path);
        var started = Stopwatch.StartNew();
        IModelServerProcess? process = null;
        try
        {
            process = await _launcher.StartAsync(instance.Name, options, cancellation);
            await WaitHealthyAsync(instance.Name, process, cancellation);
        }
        catch (Exception e) when (e is ModelUnavailableException or HttpRequestException or TimeoutException)
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
            // Every reason names the model, so callers can show it as is.
            var reason = e is ModelUnavailableException ? e.Message : $"Model '{instance.Name}' failed to start: {e.Message}";
            PoolLog.StartFailed(_logger, instance.Name, reason);
            TimeSpan backoff;
            lock (instance)
            {
                // A server that did not start will likely not start at once either: only a crash is retried at once.
                backoff = NextBackoff(instance);
                backoff = backoff > TimeSpan.Zero ? backoff : _options.CurrentValue.RestartBackoff;
                instance.State = LocalModelState.Failed;
                instance.LastError = reason;
                instance.RetryAt = _time.GetUtcNow() + backoff;
            }
            // The backoff is known now: it becomes the 503's Retry-After.
            throw new ModelUnavailableException(instance.Name, reason, (e as ModelUnavailableException)?.RetryAfter ?? backoff, e);
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
            lock (instance)
            {
                instance.State = LocalModelState.Unloaded;
            }
            throw;
        }

        var baseUri = new Uri(process.Address, "v1/");
        lock (instance)
        {
            instance.Process = process;
            instance.BaseUri = baseUri;
            instance.State = LocalModelState.Ready;
            instance.StartedAt = _time.GetUtcNow();
            instance.LoadTime = started.Elapsed;
            instance.LastError = null;
            instance.RetryAt = null;
            instance.HealthFailures = 0;
        }
        PoolLog.Ready(_logger, instance.Name, baseUri, process.ProcessId, started.ElapsedMilliseconds, instance.MemoryBytes);
        _ = process.Exited.ContinueWith(t => OnExited(instance, process, t.Result), TaskScheduler.Default);
        EndpointChanged?.Invoke(this, new ModelEndpointChangedEventArgs(instance.Name, baseUri));
        return baseUri;
    }

    private async Task WaitHealthyAsync(string name, IModelServerProcess process, CancellationToken cancellation)
    {
        var options = _options.CurrentValue;
        var deadline = _time.GetUtcNow() + options.StartTimeout;
        while (true)
        {
            if (process.Exited.IsCompleted)
            {
                PoolLog.ExitedWhileStarting(_logger, name, process.Exited.Result, process.RecentErrors);
                throw new ModelUnavailableException(name, $"Model '{name}' exited while starting (code {process.Exited.Result}); the gateway log has its output.");
            }
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                timeout.CancelAfter(options.HealthTimeout);
                if (await _probe.ReadAsync(process.Address, process.ApiKey, timeout.Token) is { Stalled: false })
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // Not answering yet.
            }
            if (_time.GetUtcNow() > deadline)
            {
                throw new ModelUnavailableException(name, $"Model '{name}' did not become healthy within {options.StartTimeout}.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellation);
        }
    }

    /// <summary>Stops a model's server; the caller holds the pool gate (or the pool is disposing).</summary>
    private async Task<bool> StopCoreAsync(ModelInstance instance, string reason)
    {
        IModelServerProcess? process;
        lock (instance)
        {
            process = instance.Process;
            var wasRunning = instance.State is LocalModelState.Ready or LocalModelState.Starting or LocalModelState.Failed;
            instance.Process = null;
            instance.BaseUri = null;
            instance.State = LocalModelState.Unloaded;
            instance.RetryAt = null;
            if (process is null && !wasRunning)
            {
                return false;
            }
        }
        PoolLog.Unloading(_logger, instance.Name, reason);
        EndpointChanged?.Invoke(this, new ModelEndpointChangedEventArgs(instance.Name, null));
        if (process is not null)
        {
            await process.DisposeAsync();
        }
        return true;
    }

    /// <summary>Evicts least recently used ready models until <paramref name="instance"/> fits the budget.</summary>
    private async Task MakeRoomAsync(ModelInstance instance)
    {
        var budget = _options.CurrentValue.MemoryBudgetBytes;
        if (budget <= 0)
        {
            return;
        }
        if (instance.MemoryBytes > budget)
        {
            throw new ModelUnavailableException(instance.Name,
                $"Local model '{instance.Name}' needs {instance.MemoryBytes:N0} bytes, more than the pool's whole memory budget of {budget:N0} bytes.");
        }
        var others = _models.Values.Where(m => m != instance && m.Running).ToList();
        var used = others.Sum(m => m.MemoryBytes);
        // A model serving a request right now is never the victim.
        foreach (var victim in others.Where(m => m.State == LocalModelState.Ready && m.InFlight == 0).OrderBy(m => m.LastUsed ?? DateTimeOffset.MinValue))
        {
            if (used + instance.MemoryBytes <= budget)
            {
                break;
            }
            await StopCoreAsync(victim, $"evicted (least recently used) to make room for '{instance.Name}'");
            used -= victim.MemoryBytes;
        }
        if (used + instance.MemoryBytes > budget)
        {
            throw new ModelUnavailableException(instance.Name,
                $"Local model '{instance.Name}' needs {instance.MemoryBytes:N0} bytes but only {Math.Max(0, budget - used):N0} of the {budget:N0}-byte budget can be freed now.",
                TimeSpan.FromSeconds(5));
        }
    }

    private void OnExited(ModelInstance instance, IModelServerProcess process, int exitCode)
    {
        TimeSpan backoff;
        lock (instance)
        {
            if (instance.Process != process || _disposing.IsCancellationRequested)
            {
                return; // Stopped on purpose.
            }
            backoff = NextBackoff(instance);
            instance.Process = null;
            instance.BaseUri = null;
            instance.State = LocalModelState.Failed;
            // Never the child's stderr: this message reaches callers (the 503), and stderr may hold another caller's request.
            instance.LastError = instance.RestartReason is { } reason
                ? $"Its model server was restarted: {reason}."
                : $"Its model server exited unexpectedly (code {exitCode}).";
            instance.RestartReason = null;
            instance.RetryAt = _time.GetUtcNow() + backoff;
            instance.Restarts++;
        }
        PoolLog.Crashed(_logger, instance.Name, exitCode, backoff, process.RecentErrors);
        EndpointChanged?.Invoke(this, new ModelEndpointChangedEventArgs(instance.Name, null));
        _ = process.DisposeAsync().AsTask();
        _ = RestartAfterAsync(instance, backoff);
    }

    private async Task RestartAfterAsync(ModelInstance instance, TimeSpan backoff)
    {
        try
        {
            await Task.Delay(backoff > TimeSpan.Zero ? backoff : TimeSpan.Zero, _time, _disposing.Token);
            lock (instance)
            {
                if (instance.State != LocalModelState.Failed)
                {
                    return;
                }
                instance.RetryAt = null;
            }
            await EnsureStartedAsync(instance.Name, _disposing.Token);
        }
        catch (ModelUnavailableException)
        {
            // Recorded on the instance; the next crash-free request or restart tries again.
            var retry = instance.RetryAt;
            if (retry is { } at && !_disposing.IsCancellationRequested)
            {
                _ = RestartAfterAsync(instance, at - _time.GetUtcNow());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or UnknownModelException)
        {
        }
    }

    /// <summary>
    /// The wait before the next start after a crash or a failed start: none for the first (a one-off crash, say a hung
    /// server killed, keeps no caller waiting), then <see cref="ModelPoolOptions.RestartBackoff"/> doubling with each
    /// further one, up to <see cref="ModelPoolOptions.MaxRestartBackoff"/>, until the server stays up for
    /// <see cref="ModelPoolOptions.StableAfter"/>.
    /// </summary>
    private TimeSpan NextBackoff(ModelInstance instance)
    {
        var options = _options.CurrentValue;
        var crashes = instance.ConsecutiveCrashes++;
        if (crashes == 0)
        {
            return TimeSpan.Zero;
        }
        var factor = Math.Pow(2, Math.Min(crashes - 1, 16));
        var backoff = TimeSpan.FromTicks((long)Math.Min(options.RestartBackoff.Ticks * factor, options.MaxRestartBackoff.Ticks));
        return backoff < TimeSpan.Zero ? TimeSpan.Zero : backoff;
    }
}
