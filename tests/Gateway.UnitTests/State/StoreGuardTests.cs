using Gateway.Redis;
using Gateway.State;
using Gateway.TestUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Gateway.UnitTests.State;

public sealed class StoreGuardTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<StoreGuardTests> _logger = new();
    private readonly RecordingStateStoreEvents _events = new();
    private readonly RedisStateOptions _options = new() { ConnectionString = "127.0.0.1:1", ConnectTimeout = TimeSpan.FromMilliseconds(50) };
    private readonly RedisConnection _connection;

    // Nothing listens on port 1: the connection exists but never connects.
    public StoreGuardTests() => _connection = new RedisConnection(Options.Create(_options), _time, NullLogger<RedisConnection>.Instance);

    [Fact]
    public void Failed_ManyFailuresInOneInterval_CountsEachAndLogsOnce()
    {
        var guard = Guard(StateFailurePolicy.FailOpen);

        for (var i = 0; i < 5; i++)
        {
            guard.Failed(Down("down"));
        }

        _time.Advance(_options.ErrorLogInterval);
        guard.Failed(Down("still down"));

        Assert.Equal(6, _events.Count("limits", "fail_open"));
        Assert.Equal(2, _logger.Entries.Count);
        Assert.Contains("4 more failures", _logger.Entries.Last().Message, StringComparison.Ordinal);
        Assert.All(_logger.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    [Fact]
    public void Refuse_FailOpenStore_ReportsFailClosedAndNamesTheStore()
    {
        var guard = Guard(StateFailurePolicy.FailOpen);

        var refusal = guard.Refuse(Down("down"));

        Assert.Equal("limits", refusal.Store);
        Assert.Equal([("limits", "fail_closed")], _events.Errors);
    }

    [Fact]
    public void Failed_Timeout_PausesTheConnectionUntilThePauseEnds()
    {
        var guard = Guard(StateFailurePolicy.FailOpen);

        guard.Failed(new TimeoutException());

        Assert.Throws<RedisPausedException>(() => _connection.Database);
        _time.Advance(_options.PauseAfterTimeout);
        Assert.NotNull(_connection.Database);
    }

    [Fact]
    public void IsStoreFailure_CallerCancellation_IsNotAStoreFailure()
    {
        Assert.False(StoreGuard.IsStoreFailure(new OperationCanceledException()));
        Assert.True(StoreGuard.IsStoreFailure(new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent)));
    }

    public void Dispose() => _connection.Dispose();

    private static RedisConnectionException Down(string message) =>
        new(ConnectionFailureType.UnableToConnect, CommandFlags.None, message, null, CommandStatus.Unknown);

    private StoreGuard Guard(StateFailurePolicy policy) =>
        new(_connection, StateStoreNames.Limits, policy, _options, _events, _logger, _time);
}
