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
    public Func<Uri, bool> Healthy { get; set; } = _ => true;

    public Task<bool> IsHealthyAsync(Uri address, CancellationToken cancellation) => Task.FromResult(Healthy(address));
}
