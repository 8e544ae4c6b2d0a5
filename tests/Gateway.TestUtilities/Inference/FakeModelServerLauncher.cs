using Gateway.Inference.Pool;

namespace Gateway.TestUtilities.Inference;

/// <summary>Starts <see cref="FakeModelServerProcess"/>es instead of real model servers.</summary>
internal sealed class FakeModelServerLauncher : IModelServerLauncher
{
    private int _next = 41000;

    /// <summary>When set, a start fails with this message.</summary>
    public string? FailWith { get; set; }

    public List<FakeModelServerProcess> Started { get; } = [];

    public Task<IModelServerProcess> StartAsync(string name, LocalModelOptions model, CancellationToken cancellation)
    {
        if (FailWith is { } reason)
        {
            throw new ModelUnavailableException(name, $"Model '{name}' failed to load: {reason}");
        }
        var port = Interlocked.Increment(ref _next);
        var process = new FakeModelServerProcess(name, port);
        lock (Started)
        {
            Started.Add(process);
        }
        return Task.FromResult<IModelServerProcess>(process);
    }
}

/// <summary>A model server that lives until it is disposed or told to crash.</summary>
internal sealed class FakeModelServerProcess(string model, int port) : IModelServerProcess
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Model { get; } = model;
    public int ProcessId { get; } = port;
    public Uri Address { get; } = new($"http://127.0.0.1:{port}/");
    public Task<int> Exited => _exited.Task;
    public string ApiKey { get; } = $"key-{port}";
    public string RecentErrors => "fake crash";
    public bool Disposed { get; private set; }

    public void Crash(int code = 139) => _exited.TrySetResult(code);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _exited.TrySetResult(0);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A health probe whose answer the test decides.</summary>
internal sealed class FakeModelServerProbe : IModelServerProbe
{
    /// <summary>False: the server does not answer.</summary>
    public Func<Uri, bool> Healthy { get; set; } = _ => true;

    /// <summary>True: the server answers, reporting its decode loop stalled.</summary>
    public Func<Uri, bool> Stalled { get; set; } = _ => false;

    /// <summary>The API key each probe carried, in order.</summary>
    public List<string> Keys { get; } = [];

    public Task<ModelServerHealth?> ReadAsync(Uri address, string apiKey, CancellationToken cancellation)
    {
        lock (Keys)
        {
            Keys.Add(apiKey);
        }
        return Task.FromResult(Healthy(address) ? new ModelServerHealth(Stalled(address), 0, 0, 0, TimeSpan.Zero) : null);
    }
}
