using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Inference.Pool;

/// <summary>
/// Supervises one <c>Gateway.ModelServer</c> process per local model: starts it on first use (or eagerly),
/// health-checks it, restarts it with backoff after a crash, unloads it after its keep-alive and evicts
/// the least recently used models to stay within the memory budget. Each ready model is an
/// OpenAI-compatible base URL that the front door forwards to.
/// </summary>
public sealed partial class ModelPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ModelInstance> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IOptionsMonitor<ModelPoolOptions> _options;
    private readonly IModelServerLauncher _launcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IModelServerProbe _probe;
    private readonly CancellationTokenSource _disposing = new();
    private readonly IDisposable? _catalogSubscription;
    private readonly HashSet<string> _catalogNames = new(StringComparer.OrdinalIgnoreCase);

    internal ModelPool(
        IOptionsMonitor<ModelPoolOptions> options,
        IOptionsMonitor<LocalModelCatalog> catalog,
        IModelServerLauncher launcher,
        IModelServerProbe probe,
        TimeProvider time,
        ILogger<ModelPool> logger)
    {
        _options = options;
        _launcher = launcher;
        _probe = probe;
        _time = time;
        _logger = logger;
        ApplyCatalog(catalog.CurrentValue);
        _catalogSubscription = catalog.OnChange(ApplyCatalog);
        AddTinyModelIfEmpty();
    }

    private void AddTinyModelIfEmpty()
    {
        var options = _options.CurrentValue;
        if (options.TinyModelWhenEmpty is not { Length: > 0 } name || !_models.IsEmpty)
        {
            return;
        }
        var directory = options.TinyModelDirectory ?? Path.Combine(Path.GetTempPath(), "gateway-models");
        var path = Path.Combine(directory, "tiny.gguf");
        if (!File.Exists(path))
        {
            Gguf.TinyModel.Write(path);
        }
        AddOrUpdate(name, new LocalModelOptions { Provider = "local", Path = path, ParallelSequences = 4 });
    }

    /// <summary>Raised when a model's base URL appears, changes (restart on a new port) or goes away.</summary>
    public event EventHandler<ModelEndpointChangedEventArgs>? EndpointChanged;

    /// <summary>
    /// Returns the model's OpenAI base URL (<c>http://127.0.0.1:PORT/v1/</c>), starting its server first if
    /// needed. Throws <see cref="UnknownModelException"/> for an unknown name and
    /// <see cref="ModelUnavailableException"/> when it cannot serve now (failed load, crash, memory budget).
    /// </summary>
    public async Task<Uri> EnsureStartedAsync(string model, CancellationToken cancellation = default)
    {
        var instance = Find(model);
        lock (instance)
        {
            instance.LastUsed = _time.GetUtcNow();
            if (instance.State == LocalModelState.Ready && instance.BaseUri is { } ready)
            {
                return ready;
            }
            ThrowIfBackingOff(instance);
        }

        await _gate.WaitAsync(cancellation);
        try
        {
            lock (instance)
            {
                if (instance.State == LocalModelState.Ready && instance.BaseUri is { } ready)
                {
                    return ready;
                }
                ThrowIfBackingOff(instance);
            }
            return await StartCoreAsync(instance, cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Starts the model if needed and holds it for one request: it is not evicted or idled out until the
    /// lease is disposed. Throws like <see cref="EnsureStartedAsync"/>.
    /// </summary>
    public async Task<ModelLease> AcquireAsync(string model, CancellationToken cancellation = default)
    {
        var instance = Find(model);
        while (true)
        {
            var baseUri = await EnsureStartedAsync(model, cancellation);
            lock (instance)
            {
                // A restart or eviction between the start and this lock means the URL is stale; go again.
                if (instance.State == LocalModelState.Ready && instance.BaseUri == baseUri && instance.Process is { } process)
                {
                    instance.InFlight++;
                    return new ModelLease(instance.Name, baseUri, process.ApiKey, () => Release(instance));
                }
            }
        }
    }

    private void Release(ModelInstance instance)
    {
        lock (instance)
        {
            instance.InFlight--;
            instance.LastUsed = _time.GetUtcNow();
        }
    }

    /// <summary>
    /// What a ready model's server says on its <c>/health</c>: its decode loop's progress and load. Null when the model
    /// is not ready or its server does not answer within <see cref="ModelPoolOptions.HealthTimeout"/>. Starts nothing.
    /// </summary>
    public async Task<ModelServerHealth?> ReadHealthAsync(string model, CancellationToken cancellation = default)
    {
        var instance = Find(model);
        IModelServerProcess? process;
        lock (instance)
        {
            process = instance.State == LocalModelState.Ready ? instance.Process : null;
        }
        if (process is null)
        {
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(_options.CurrentValue.HealthTimeout);
        try
        {
            return await _probe.ReadAsync(process.Address, process.ApiKey, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The <c>Authorization</c> value for the running server at <paramref name="address"/> (its scheme, host and port), if the pool runs one there.</summary>
    internal string? AuthorizationFor(Uri address)
    {
        foreach (var instance in _models.Values)
        {
            lock (instance)
            {
                if (instance.Process is { } process && instance.BaseUri is { } uri
                    && Uri.Compare(uri, address, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return "Bearer " + process.ApiKey;
                }
            }
        }
        return null;
    }

    /// <summary>Every configured local model with its current state.</summary>
    public IReadOnlyList<LocalModelSnapshot> List() =>
        _models.Values.OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).Select(Snapshot).ToList();

    /// <summary>One model's current state.</summary>
    public LocalModelSnapshot Get(string model) => Snapshot(Find(model));

    /// <summary>Admin load: starts the model (if needed) and returns its state.</summary>
    public async Task<LocalModelSnapshot> LoadAsync(string model, CancellationToken cancellation = default)
    {
        await EnsureStartedAsync(model, cancellation);
        return Get(model);
    }

    /// <summary>Admin unload: stops the model's server; the next request starts it again. False if it was not running.</summary>
    public async Task<bool> UnloadAsync(string model, CancellationToken cancellation = default)
    {
        var instance = Find(model);
        await _gate.WaitAsync(cancellation);
        try
        {
            return await StopCoreAsync(instance, "unloaded on request");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adds or replaces a model definition; a running model keeps its server until it next starts.</summary>
    public void AddOrUpdate(string name, LocalModelOptions options)
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new ArgumentException($"Local model '{name}' is invalid: {string.Join(" ", errors.Select(e => e.ErrorMessage))}", nameof(options));
        }
        var memory = MemoryFor(options);
        _models.AddOrUpdate(
            name,
            _ => new ModelInstance(name, options, memory),
            (_, existing) =>
            {
                lock (existing)
                {
                    existing.Options = options;
                    existing.MemoryBytes = memory;
                }
                return existing;
            });
    }

    /// <summary>Removes a model definition, stopping its server.</summary>
    public async Task RemoveAsync(string name)
    {
        if (_models.TryRemove(name, out var instance))
        {
            await _gate.WaitAsync();
            try
            {
                await StopCoreAsync(instance, "removed from the catalog");
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private ModelInstance Find(string model) =>
        _models.TryGetValue(model, out var instance) ? instance : throw new UnknownModelException(model);

    private LocalModelSnapshot Snapshot(ModelInstance instance)
    {
        lock (instance)
        {
            return instance.Snapshot();
        }
    }

    private void ThrowIfBackingOff(ModelInstance instance)
    {
        var now = _time.GetUtcNow();
        if (instance.State == LocalModelState.Failed && instance.RetryAt is { } retry && retry > now)
        {
            throw new ModelUnavailableException(instance.Name, $"Local model '{instance.Name}' is unavailable: {instance.LastError} Retrying in {(retry - now).TotalSeconds:0.#} s.", retry - now);
        }
    }

    private long MemoryFor(LocalModelOptions options)
    {
        if (options.MemoryBytes is { } configured)
        {
            return configured;
        }
        var file = new FileInfo(options.Path);
        return file.Exists ? (long)(file.Length * _options.CurrentValue.MemoryFactor) : 0;
    }

    private void ApplyCatalog(LocalModelCatalog catalog)
    {
        var removed = _catalogNames.Where(n => !catalog.Models.TryGetValue(n, out var o) || !o.IsLocal).ToList();
        foreach (var (name, options) in catalog.Models)
        {
            if (!options.IsLocal)
            {
                continue;
            }
            try
            {
                AddOrUpdate(name, options);
                _catalogNames.Add(name);
            }
            catch (ArgumentException e)
            {
                // Keep the last good definition; a bad reload must not take a serving model down.
                PoolLog.InvalidModel(_logger, name, e.Message);
            }
        }
        foreach (var name in removed)
        {
            _catalogNames.Remove(name);
            _ = RemoveAsync(name);
        }
    }

    /// <summary>
    /// Stops every model server process the pool started, so none outlives the gateway; later calls do nothing.
    /// Called by the host's container on shutdown.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }
        _disposing.Cancel();
        _catalogSubscription?.Dispose();
        foreach (var instance in _models.Values)
        {
            await StopCoreAsync(instance, "the gateway is stopping");
        }
    }
}
