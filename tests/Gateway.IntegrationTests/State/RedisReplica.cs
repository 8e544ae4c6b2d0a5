using Gateway.Redis;
using Gateway.Redis.Cache;
using Gateway.Redis.Feedback;
using Gateway.Redis.Keys;
using Gateway.Redis.Limits;
using Gateway.State;
using Gateway.TestUtilities;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.IntegrationTests.State;

/// <summary>
/// The Redis stores of one gateway replica, with its own connection: two of these on one
/// redis-server behave like two gateway processes.
/// </summary>
internal sealed class RedisReplica : IDisposable
{
    /// <param name="time">The stores' clock: limit windows, feedback timestamps.</param>
    /// <param name="connectionTime">
    /// The connection's clock, for its pause after a timeout; real time unless a test plays the pause. The client
    /// library measures the operation timeout itself, in real time.
    /// </param>
    public RedisReplica(string connectionString, string prefix, TimeProvider? time = null, RedisStateOptions? options = null, StateOptions? bounds = null,
        TimeProvider? connectionTime = null)
    {
        time ??= TimeProvider.System;
        var settings = Options.Create((options ?? new RedisStateOptions()) with { ConnectionString = connectionString, Prefix = prefix });
        Connection = new RedisConnection(settings, connectionTime ?? TimeProvider.System, NullLogger<RedisConnection>.Instance);
        Limits = new RedisLimitStore(Connection, settings, time, Events, NullLogger<RedisLimitStore>.Instance);
        Cache = new RedisResponseCache(Connection, settings, time, Events, NullLogger<RedisResponseCache>.Instance);
        Keys = new RedisKeyStore(Connection, settings, time, Events, NullLogger<RedisKeyStore>.Instance);
        Feedback = new RedisFeedbackStore(Connection, settings, Options.Create(bounds ?? new StateOptions()), time, Events, NullLogger<RedisFeedbackStore>.Instance);
    }

    public RecordingStateStoreEvents Events { get; } = new();

    public RedisConnection Connection { get; }

    public RedisLimitStore Limits { get; }

    public RedisResponseCache Cache { get; }

    public RedisKeyStore Keys { get; }

    public RedisFeedbackStore Feedback { get; }

    /// <summary>A key prefix no other test uses, so tests can share one redis-server.</summary>
    public static string UniquePrefix() => $"test:{Guid.NewGuid():N}:";

    public void Dispose()
    {
        Keys.Dispose();
        Connection.Dispose();
    }
}

/// <summary>One redis-server per test class.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
