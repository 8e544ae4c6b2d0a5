using Gateway.Redis;
using Gateway.State;
using Gateway.TestUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.State;

/// <summary>redis-server killed under the stores and started again on the same port.</summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 15, TimeSpan.Zero));
    private readonly StoredKey _key = new("team-a", "aa", ["small"], false, KeyLimits.None, DateTimeOffset.UnixEpoch);
    private readonly CachedResponse _response = new(200, "application/json", "{}"u8.ToArray(), "small");

    [Fact]
    public async Task Stores_RedisKilledWithFailOpen_KeepServingThenRecover()
    {
        await using var server = await RedisServer.StartAsync();
        using var replica = Replica(server, StateFailurePolicy.FailOpen);
        await replica.Keys.CreateAsync(_key, default);
        Assert.NotNull(await replica.Keys.FindByHashAsync("aa", default));

        await server.StopAsync();

        // Limits: this replica's own counters take over, so a limit still holds.
        var limits = new KeyLimits(RequestsPerMinute: 2);
        var decisions = new List<LimitDecision>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add(await replica.Limits.AcquireAsync("team-a", limits, default));
        }

        Assert.Equal([true, true, false], decisions.Select(d => d.Allowed));
        Assert.Equal(LimitKind.Requests, decisions[2].Rejected);
        await replica.Limits.RecordUsageAsync("team-a", limits, 10, 0.1m, default);

        // Cache: a miss, and writes are dropped.
        await replica.Cache.SetAsync("req", _response, TimeSpan.FromMinutes(1), default);
        Assert.Null(await replica.Cache.GetAsync("req", default));

        // Keys: a key verified before the outage still works; an unknown one never does.
        Assert.Equal("team-a", (await replica.Keys.FindByHashAsync("aa", default))?.Name);
        Assert.Null(await replica.Keys.FindByHashAsync("bb", default));
        await Assert.ThrowsAsync<StateStoreUnavailableException>(async () => await replica.Keys.CreateAsync(_key with { Name = "b", Hash = "bb" }, default));

        // Feedback: the record is dropped, the request served; scoring refuses.
        await replica.Feedback.RecordRequestAsync(new RequestRecord("r", "p", null, "small", 1, 1, _time.GetUtcNow()), TimeSpan.FromMinutes(1), default);
        var refused = await Assert.ThrowsAsync<StateStoreUnavailableException>(async () => await replica.Feedback.AddFeedbackAsync("r", 1, null, default));
        Assert.Equal("feedback", refused.Store);

        foreach (var store in (string[])["limits", "cache", "keys", "feedback"])
        {
            Assert.True(replica.Events.Count(store, "fail_open") > 0, store);
        }

        await server.StartAgainAsync();
        await WaitForRecoveryAsync(replica);

        Assert.True(await replica.Keys.CreateAsync(_key with { Name = "c", Hash = "cc" }, default));
        var shared = await replica.Limits.AcquireAsync("team-b", new KeyLimits(RequestsPerMinute: 5), default);
        Assert.Equal(4, shared.States[0].Remaining);
        Assert.Equal(1, (long)await replica.Connection.Database.StringGetAsync(replica.Connection.Prefix + "limit:{team-b}:rpm:" + (_time.GetUtcNow().ToUnixTimeSeconds() / 60)));
    }

    [Fact]
    public async Task Limits_RedisKilledWithFailOpen_ReserveAndSettleOnTheFallback()
    {
        await using var server = await RedisServer.StartAsync();
        using var replica = Replica(server, StateFailurePolicy.FailOpen);
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var beforeOutage = await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(300, 0m), default);
        Assert.Same(replica.Limits, beforeOutage.Reservation!.Store);

        await server.StopAsync();

        var decisions = new List<LimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(300, 0m), default));
        }

        // This replica's own counters: admitted at 0, 300, 600, 900 reserved.
        Assert.Equal([true, true, true, true, false], decisions.Select(d => d.Allowed));
        Assert.NotSame(replica.Limits, decisions[0].Reservation!.Store);

        await replica.Limits.SettleAsync("team-a", limits, decisions[0].Reservation!, 0, 0m, default);
        var refunded = (await replica.Limits.PeekAsync("team-a", limits, default))[0].Remaining;

        // The reservation made in Redis cannot be refunded here: its use is charged as it is.
        await replica.Limits.SettleAsync("team-a", limits, beforeOutage.Reservation!, 50, 0m, default);
        var charged = (await replica.Limits.PeekAsync("team-a", limits, default))[0].Remaining;

        Assert.Equal(1000 - 900, refunded);
        Assert.Equal(1000 - 900 - 50, charged);
        Assert.True((await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(300, 0m), default)).Allowed);
        Assert.True(replica.Events.Count("limits", "fail_open") > 0);
    }

    [Fact]
    public async Task Stores_RedisKilledWithFailClosed_RefuseWithClearReasonThenRecover()
    {
        await using var server = await RedisServer.StartAsync();
        using var replica = Replica(server, StateFailurePolicy.FailClosed);
        Assert.True((await replica.Limits.AcquireAsync("team-a", new KeyLimits(RequestsPerMinute: 5), default)).Allowed);

        await server.StopAsync();

        var decision = await replica.Limits.AcquireAsync("team-a", new KeyLimits(RequestsPerMinute: 5), default);
        Assert.False(decision.Allowed);
        Assert.Null(decision.Rejected);
        Assert.Contains("unavailable", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), decision.RetryAfter);

        Assert.Equal("cache", (await Assert.ThrowsAsync<StateStoreUnavailableException>(async () => await replica.Cache.GetAsync("req", default))).Store);
        await replica.Cache.SetAsync("req", _response, TimeSpan.FromMinutes(1), default);
        Assert.Equal("keys", (await Assert.ThrowsAsync<StateStoreUnavailableException>(async () => await replica.Keys.FindByHashAsync("aa", default))).Store);
        await Assert.ThrowsAsync<StateStoreUnavailableException>(async () =>
            await replica.Feedback.RecordRequestAsync(new RequestRecord("r", "p", null, "small", 1, 1, _time.GetUtcNow()), TimeSpan.FromMinutes(1), default));
        Assert.DoesNotContain(replica.Events.Errors, e => e.Policy != "fail_closed");
        Assert.Equal(4, replica.Events.Errors.Select(e => e.Store).Distinct().Count());

        await server.StartAgainAsync();
        await WaitForRecoveryAsync(replica);

        Assert.True((await replica.Limits.AcquireAsync("team-a", new KeyLimits(RequestsPerMinute: 5), default)).Allowed);
    }

    [Fact]
    public async Task Limits_RedisHangs_PaysOneTimeoutThenPausesAndRecovers()
    {
        await using var server = await RedisServer.StartAsync();
        // One fake clock for the limit windows and the pause; the operation timeout is the client library's, in real time.
        using var replica = new RedisReplica(server.ConnectionString, RedisReplica.UniquePrefix(), _time, new RedisStateOptions
        {
            OperationTimeout = TimeSpan.FromMilliseconds(300),
            PauseAfterTimeout = TimeSpan.FromSeconds(1),
        }, connectionTime: _time);
        var limits = new KeyLimits(RequestsPerMinute: 100);
        Assert.Equal(99, (await replica.Limits.AcquireAsync("team-a", limits, default)).States[0].Remaining);

        await server.FreezeAsync();
        try
        {
            // The first acquire waits out the operation timeout and fails open; from then on Redis is left alone.
            Assert.True((await replica.Limits.AcquireAsync("team-a", limits, default)).Allowed);
            Assert.Throws<RedisPausedException>(() => replica.Connection.Database);
            for (var i = 0; i < 20; i++)
            {
                Assert.True((await replica.Limits.AcquireAsync("team-a", limits, default)).Allowed);
            }

            Assert.Equal(21, replica.Events.Count("limits", "fail_open"));
            _time.Advance(TimeSpan.FromMilliseconds(999));
            Assert.Throws<RedisPausedException>(() => replica.Connection.Database);
        }
        finally
        {
            await server.ThawAsync();
        }

        _time.Advance(TimeSpan.FromMilliseconds(1));

        // 97, not 98: the acquire that timed out was already on its way and Redis ran it once thawed. Not 77 either:
        // the twenty made during the pause never reached Redis.
        Assert.Equal(97, (await replica.Limits.AcquireAsync("team-a", limits, default)).States[0].Remaining);
    }

    [Fact]
    public async Task KeyRevoked_ReplicaStartedDuringOutage_IsRaisedOnceAfterRedisReturns()
    {
        await using var server = await RedisServer.StartAsync();
        var prefix = RedisReplica.UniquePrefix();
        await server.StopAsync();
        using var late = new RedisReplica(server.ConnectionString, prefix, _time, new RedisStateOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        var raised = new List<string>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        late.Keys.KeyRevoked += h =>
        {
            lock (raised)
            {
                raised.Add(h);
            }

            (h == "aa" ? first : second).TrySetResult();
        };

        await server.StartAgainAsync();
        await WaitForRecoveryAsync(late);
        using var other = new RedisReplica(server.ConnectionString, prefix, _time);
        await other.Keys.CreateAsync(_key, default);
        await other.Keys.CreateAsync(_key with { Name = "b", Hash = "bb" }, default);
        Assert.True(await other.Keys.RevokeAsync(_key.Name, default));
        await first.Task.WaitAsync(RecoveryTimeout);

        // A later revocation on the same channel: by the time it arrives, a second delivery of the first would have.
        Assert.True(await other.Keys.RevokeAsync("b", default));
        await second.Task.WaitAsync(RecoveryTimeout);
        lock (raised)
        {
            Assert.Equal(["aa", "bb"], raised);
        }
    }

    private RedisReplica Replica(RedisServer server, StateFailurePolicy policy) => new(
        server.ConnectionString,
        RedisReplica.UniquePrefix(),
        _time,
        new RedisStateOptions
        {
            OperationTimeout = TimeSpan.FromMilliseconds(500),
            Limits = policy,
            Cache = policy,
            Keys = policy,
            Feedback = policy,
        });

    /// <summary>
    /// Waits until the stores work again after redis-server was started anew: the client library reconnects on its own
    /// schedule, so the stores are tried until a write reads back.
    /// </summary>
    private static Task WaitForRecoveryAsync(RedisReplica replica) => Poll.UntilAsync(async () =>
    {
        try
        {
            await replica.Cache.SetAsync("probe", new CachedResponse(200, "text/plain", [1], "m"), TimeSpan.FromMinutes(1), default);
            return await replica.Cache.GetAsync("probe", default) is not null;
        }
        catch (StateStoreUnavailableException)
        {
            // Fail closed: still down.
            return false;
        }
    }, $"The stores did not reconnect within {RecoveryTimeout}.", RecoveryTimeout);
}
