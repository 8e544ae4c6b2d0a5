using Gateway.Inference.Pool;
using Gateway.TestUtilities;
using Gateway.TestUtilities.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Inference.Pool;

public sealed class ModelPoolTests : IAsyncDisposable
{
    /// <summary>A backstop for waits on the pool's own signals; none of them waits on the clock.</summary>
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(1);

    private readonly TimerAwareTimeProvider _time = new();
    private readonly FakeModelServerLauncher _launcher = new();
    private readonly FakeModelServerProbe _probe = new();
    private ModelPool? _pool;

    [Fact]
    public async Task EnsureStartedAsync_UnknownModel_ThrowsUnknownModel()
    {
        var pool = CreatePool(new ModelPoolOptions());

        await Assert.ThrowsAsync<UnknownModelException>(() => pool.EnsureStartedAsync("nope"));
    }

    [Fact]
    public async Task EnsureStartedAsync_ConcurrentFirstCalls_StartOneServerAndReturnItsV1Base()
    {
        var pool = CreatePool(new ModelPoolOptions(), ("a", Model(100)));
        var changes = new List<ModelEndpointChangedEventArgs>();
        pool.EndpointChanged += (_, e) => changes.Add(e);

        var uris = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => pool.EnsureStartedAsync("a")));

        var started = Assert.Single(_launcher.Started);
        Assert.All(uris, u => Assert.Equal(new Uri(started.Address, "v1/"), u));
        Assert.Equal(LocalModelState.Ready, pool.Get("a").State);
        Assert.Equal(started.ProcessId, pool.Get("a").ProcessId);
        Assert.Equal(uris[0], Assert.Single(changes).BaseUri);
    }

    [Fact]
    public async Task EnsureStartedAsync_OverBudget_EvictsLeastRecentlyUsedIdleModel()
    {
        var pool = CreatePool(new ModelPoolOptions { MemoryBudgetBytes = 250 }, ("a", Model(100)), ("b", Model(100)), ("c", Model(100)));
        await pool.EnsureStartedAsync("a");
        _time.Advance(TimeSpan.FromSeconds(1));
        await pool.EnsureStartedAsync("b");
        _time.Advance(TimeSpan.FromSeconds(1));
        await pool.EnsureStartedAsync("a"); // a is now more recent than b

        await pool.EnsureStartedAsync("c");

        Assert.Equal(LocalModelState.Ready, pool.Get("a").State);
        Assert.Equal(LocalModelState.Unloaded, pool.Get("b").State);
        Assert.Equal(LocalModelState.Ready, pool.Get("c").State);
        Assert.True(_launcher.Started.Single(p => p.Model == "b").Disposed);
    }

    [Fact]
    public async Task AcquireAsync_OpenLease_ModelIsNotEvictedUntilReleased()
    {
        var pool = CreatePool(new ModelPoolOptions { MemoryBudgetBytes = 150 }, ("a", Model(100)), ("b", Model(100)));
        var lease = await pool.AcquireAsync("a");

        await Assert.ThrowsAsync<ModelUnavailableException>(() => pool.EnsureStartedAsync("b"));
        Assert.Equal(1, pool.Get("a").InFlight);
        lease.Dispose();
        lease.Dispose(); // A second dispose must not release twice.
        _launcher.Started.Clear();

        // Released, the model is an ordinary eviction candidate again.
        await pool.EnsureStartedAsync("b");
        Assert.Equal(0, pool.Get("a").InFlight);
        Assert.Equal(LocalModelState.Unloaded, pool.Get("a").State);
        Assert.Equal(new Uri(Assert.Single(_launcher.Started).Address, "v1/"), pool.Get("b").BaseUri);
    }

    [Fact]
    public async Task EnsureStartedAsync_ModelLargerThanBudget_ThrowsUnavailableWithoutEvicting()
    {
        var pool = CreatePool(new ModelPoolOptions { MemoryBudgetBytes = 150 }, ("a", Model(100)), ("huge", Model(1000)));
        await pool.EnsureStartedAsync("a");

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => pool.EnsureStartedAsync("huge"));

        Assert.Contains("budget", error.Message, StringComparison.Ordinal);
        Assert.Equal(LocalModelState.Ready, pool.Get("a").State);
    }

    [Fact]
    public async Task Crash_First_RestartsAtOnceOnANewPort()
    {
        var pool = CreatePool(new ModelPoolOptions { RestartBackoff = TimeSpan.FromHours(1) }, ("a", Model(100)));
        var first = await pool.EnsureStartedAsync("a");
        var restarted = NextEndpoint(pool);

        _launcher.Started[0].Crash();
        var second = await restarted.WaitAsync(Backstop);

        Assert.NotEqual(first, second);
        Assert.Equal(second, await pool.EnsureStartedAsync("a"));
        Assert.Equal(1, pool.Get("a").Restarts);
    }

    [Fact]
    public async Task Crash_SecondInARow_BacksOffWithAnErrorThatHoldsNoStderr()
    {
        var pool = CreatePool(new ModelPoolOptions { RestartBackoff = TimeSpan.FromHours(1), MaxRestartBackoff = TimeSpan.FromHours(2) }, ("a", Model(100)));
        await pool.EnsureStartedAsync("a");
        var restarted = NextEndpoint(pool);
        _launcher.Started[0].Crash();
        await restarted.WaitAsync(Backstop);

        var down = NextEndpoint(pool, up: false);
        _launcher.Started[1].Crash();
        await down.WaitAsync(Backstop);
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => pool.EnsureStartedAsync("a"));

        Assert.Contains("exited unexpectedly", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_launcher.Started[1].RecentErrors, error.Message, StringComparison.Ordinal);
        // The second crash in a row waits RestartBackoff; no time has passed since.
        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Equal(2, _launcher.Started.Count);
        Assert.Equal(2, pool.Get("a").Restarts);
    }

    [Fact]
    public async Task AcquireAsync_Lease_CarriesTheKeyOfItsServersLaunch()
    {
        var pool = CreatePool(new ModelPoolOptions(), ("a", Model(100)));

        using var lease = await pool.AcquireAsync("a");

        Assert.Equal("Bearer " + _launcher.Started[0].ApiKey, lease.Authorization);
        Assert.Equal(_launcher.Started[0].ApiKey, Assert.Single(_probe.Keys));
    }

    [Fact]
    public async Task SuperviseAsync_ServerReportsItsDecodeLoopStalled_KillsAndRestartsIt()
    {
        var pool = CreatePool(new ModelPoolOptions { HealthInterval = HealthInterval, HealthFailuresBeforeRestart = 2 }, ("a", Model(100)));
        await pool.EnsureStartedAsync("a");
        var stalled = _launcher.Started[0].Address;
        _probe.Stalled = uri => uri == stalled;
        var restarted = NextEndpoint(pool);
        using var cts = new CancellationTokenSource();
        var loop = pool.SuperviseAsync(cts.Token);

        // One health check that finds the decode loop stalled is not enough; the second restarts the server.
        await NextHealthCheckAsync();
        await _time.WhenTimerArmedAsync(HealthInterval).WaitAsync(Backstop);
        Assert.False(restarted.IsCompleted);
        await NextHealthCheckAsync();
        await restarted.WaitAsync(Backstop);
        await cts.CancelAsync();
        await loop;

        Assert.True(_launcher.Started[0].Disposed);
        Assert.Equal(1, pool.Get("a").Restarts);
    }

    /// <summary>Completes with the model's next base URL once it (re)starts, or (<paramref name="up"/> false) with null once it goes down.</summary>
    private static Task<Uri?> NextEndpoint(ModelPool pool, bool up = true)
    {
        var next = new TaskCompletionSource<Uri?>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.EndpointChanged += (_, e) =>
        {
            if ((e.BaseUri is not null) == up)
            {
                next.TrySetResult(e.BaseUri);
            }
        };
        return next.Task;
    }

    [Fact]
    public async Task EnsureStartedAsync_LoadFails_RecordsErrorAndRetriesAfterBackoff()
    {
        var pool = CreatePool(new ModelPoolOptions { RestartBackoff = TimeSpan.FromSeconds(10) }, ("a", Model(100)));
        _launcher.FailWith = "bad magic";

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => pool.EnsureStartedAsync("a"));
        _launcher.FailWith = null;
        _time.Advance(TimeSpan.FromSeconds(9));
        var again = await Assert.ThrowsAsync<ModelUnavailableException>(() => pool.EnsureStartedAsync("a"));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Contains("bad magic", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        // Within the backoff the pool does not try again, however the launch would go now.
        Assert.Contains("Retrying in 1 s", again.Message, StringComparison.Ordinal);
        Assert.Empty(_launcher.Started);
        Assert.Equal(LocalModelState.Failed, pool.Get("a").State);
        await pool.EnsureStartedAsync("a");
        Assert.Equal(LocalModelState.Ready, pool.Get("a").State);
    }

    [Fact]
    public async Task UnloadAsync_RunningModel_StopsItsServer()
    {
        var pool = CreatePool(new ModelPoolOptions(), ("a", Model(100)));
        await pool.EnsureStartedAsync("a");

        Assert.True(await pool.UnloadAsync("a"));

        Assert.True(_launcher.Started[0].Disposed);
        Assert.Equal(LocalModelState.Unloaded, pool.Get("a").State);
        Assert.Null(pool.Get("a").BaseUri);
        Assert.False(await pool.UnloadAsync("a"));
    }

    [Fact]
    public async Task SuperviseAsync_IdleBeyondKeepAlive_UnloadsTheModel()
    {
        var pool = CreatePool(new ModelPoolOptions { HealthInterval = HealthInterval }, ("a", Model(100) with { KeepAlive = TimeSpan.FromSeconds(5) }));
        await pool.EnsureStartedAsync("a");
        var unloaded = NextEndpoint(pool, up: false);
        using var cts = new CancellationTokenSource();
        var loop = pool.SuperviseAsync(cts.Token);

        // A check within the keep-alive leaves the model; the one after it unloads it.
        await NextHealthCheckAsync();
        await _time.WhenTimerArmedAsync(HealthInterval).WaitAsync(Backstop);
        Assert.Equal(LocalModelState.Ready, pool.Get("a").State);
        _time.Advance(TimeSpan.FromSeconds(5));
        await unloaded.WaitAsync(Backstop);
        await cts.CancelAsync();
        await loop;

        Assert.Equal(LocalModelState.Unloaded, pool.Get("a").State);
        Assert.True(_launcher.Started[0].Disposed);
    }

    [Fact]
    public async Task SuperviseAsync_RepeatedHealthFailures_KillsAndRestartsTheServer()
    {
        var pool = CreatePool(new ModelPoolOptions
        {
            HealthInterval = HealthInterval,
            HealthFailuresBeforeRestart = 2,
            RestartBackoff = TimeSpan.FromHours(1),
        }, ("a", Model(100)));
        await pool.EnsureStartedAsync("a");
        var sick = _launcher.Started[0].Address;
        _probe.Healthy = uri => uri != sick;
        var restarted = NextEndpoint(pool);
        using var cts = new CancellationTokenSource();
        var loop = pool.SuperviseAsync(cts.Token);

        // The first failed check is not enough; the second kills the server, and a first crash restarts at once.
        await NextHealthCheckAsync();
        await _time.WhenTimerArmedAsync(HealthInterval).WaitAsync(Backstop);
        Assert.False(restarted.IsCompleted);
        await NextHealthCheckAsync();
        await restarted.WaitAsync(Backstop);
        await cts.CancelAsync();
        await loop;

        Assert.Equal((LocalModelState.Ready, 1), (pool.Get("a").State, pool.Get("a").Restarts));
        Assert.Equal(2, _launcher.Started.Count);
        Assert.True(_launcher.Started[0].Disposed);
    }

    [Fact]
    public async Task StartEagerModels_EagerModel_StartsWithoutARequest()
    {
        var pool = CreatePool(new ModelPoolOptions(), ("eager", Model(100) with { Eager = true }), ("lazy", Model(100)));
        var started = NextEndpoint(pool);

        pool.StartEagerModels();
        var baseUri = await started.WaitAsync(Backstop);

        Assert.Equal(new Uri(Assert.Single(_launcher.Started).Address, "v1/"), baseUri);
        Assert.Equal(LocalModelState.Ready, pool.Get("eager").State);
        Assert.Equal(LocalModelState.Unloaded, pool.Get("lazy").State);
    }

    private ModelPool CreatePool(ModelPoolOptions options, params (string Name, LocalModelOptions Model)[] models)
    {
        var catalog = new LocalModelCatalog();
        foreach (var (name, model) in models)
        {
            catalog.Models[name] = model;
        }
        _pool = new ModelPool(new StaticOptionsMonitor<ModelPoolOptions>(options), new StaticOptionsMonitor<LocalModelCatalog>(catalog),
            _launcher, _probe, _time, NullLogger<ModelPool>.Instance);
        return _pool;
    }

    private static LocalModelOptions Model(long memory) => new() { Provider = "local", Path = "/models/m.gguf", MemoryBytes = memory };

    /// <summary>Lets the supervision loop run its next pass: once it waits for its interval, the interval passes.</summary>
    private async Task NextHealthCheckAsync()
    {
        await _time.WhenTimerArmedAsync(HealthInterval).WaitAsync(Backstop);
        _time.Advance(HealthInterval);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }
    }

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
