using Gateway.State;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.State;

public sealed class RedisLimitStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    // 45 s left in the minute, 13h59m45s left in the day.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 15, TimeSpan.Zero));
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly List<RedisReplica> _replicas = [];

    [Fact]
    public async Task AcquireAsync_TwoReplicasUnderConcurrentLoad_AllowExactlyTheLimit()
    {
        var (a, b) = (Replica(), Replica());
        var limits = new KeyLimits(RequestsPerMinute: 150);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? a : b).Limits.AcquireAsync("team-a", limits, default))));

        Assert.Equal(150, decisions.Count(d => d.Allowed));
        Assert.All(decisions.Where(d => !d.Allowed), d =>
        {
            Assert.Equal(LimitKind.Requests, d.Rejected);
            Assert.Equal(TimeSpan.FromSeconds(45), d.RetryAfter);
        });
        Assert.Equal(0, (await a.Limits.PeekAsync("team-a", limits, default))[0].Remaining);
        Assert.Empty(a.Events.Errors);
    }

    [Fact]
    public async Task AcquireAsync_Allowed_ReportsRemainingAndReset()
    {
        var limits = new KeyLimits(RequestsPerMinute: 10, TokensPerMinute: 1000, BudgetUsd: 5m);

        var decision = await Replica().Limits.AcquireAsync("team-a", limits, default);

        Assert.True(decision.Allowed);
        Assert.Equal(
            [
                new LimitState(LimitKind.Requests, 10, 9, TimeSpan.FromSeconds(45)),
                new LimitState(LimitKind.Tokens, 1000, 1000, TimeSpan.FromSeconds(45)),
                new LimitState(LimitKind.Budget, 5m, 5m, TimeSpan.FromHours(14) - TimeSpan.FromSeconds(15)),
            ],
            decision.States);
    }

    [Fact]
    public async Task RecordUsageAsync_TokensPastLimitOnOneReplica_RejectsOnTheOther()
    {
        var (a, b) = (Replica(), Replica());
        var limits = new KeyLimits(TokensPerMinute: 1000);
        await a.Limits.RecordUsageAsync("team-a", limits, 600, 0m, default);
        Assert.True((await b.Limits.AcquireAsync("team-a", limits, default)).Allowed);
        await b.Limits.RecordUsageAsync("team-a", limits, 400, 0m, default);

        var rejected = await a.Limits.AcquireAsync("team-a", limits, default);

        Assert.Equal(LimitKind.Tokens, rejected.Rejected);
        Assert.Equal(TimeSpan.FromSeconds(45), rejected.RetryAfter);
        Assert.Equal(0, rejected.States[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_BudgetSpentAcrossReplicas_RejectsUntilPeriodEnds()
    {
        var (a, b) = (Replica(), Replica());
        var limits = new KeyLimits(BudgetUsd: 0.003m, BudgetPeriod: TimeSpan.FromHours(1));
        await a.Limits.RecordUsageAsync("team-a", limits, 0, 0.001234m, default);
        await b.Limits.RecordUsageAsync("team-a", limits, 0, 0.001234m, default);
        var allowed = await a.Limits.AcquireAsync("team-a", limits, default);
        await a.Limits.RecordUsageAsync("team-a", limits, 0, 0.000532m, default);

        var rejected = await b.Limits.AcquireAsync("team-a", limits, default);
        _time.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(45));
        var nextPeriod = await b.Limits.AcquireAsync("team-a", limits, default);

        Assert.Equal(0.000532m, allowed.States[0].Remaining);
        Assert.Equal(LimitKind.Budget, rejected.Rejected);
        Assert.Equal(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(45), rejected.RetryAfter);
        Assert.True(nextPeriod.Allowed);
        Assert.Equal(0.003m, nextPeriod.States[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_NextMinute_StartsFreshWindowAndOldCountersExpire()
    {
        var replica = Replica();
        var limits = new KeyLimits(RequestsPerMinute: 1);
        Assert.True((await replica.Limits.AcquireAsync("team-a", limits, default)).Allowed);
        Assert.False((await replica.Limits.AcquireAsync("team-a", limits, default)).Allowed);

        _time.Advance(TimeSpan.FromSeconds(45));

        Assert.True((await replica.Limits.AcquireAsync("team-a", limits, default)).Allowed);
        var server = replica.Connection.Multiplexer.GetServer(replica.Connection.Multiplexer.GetEndPoints()[0]);
        var counters = server.Keys(pattern: _prefix + "limit:*").ToList();
        Assert.Equal(2, counters.Count);
        foreach (var counter in counters)
        {
            var ttl = await replica.Connection.Database.KeyTimeToLiveAsync(counter);
            Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(70));
        }
    }

    [Fact]
    public async Task AcquireAsync_Unlimited_TouchesNoCounter()
    {
        var replica = Replica();

        Assert.Same(LimitDecision.Unlimited, await replica.Limits.AcquireAsync("team-a", KeyLimits.None, default));
        await replica.Limits.RecordUsageAsync("team-a", KeyLimits.None, 100, 1m, default);

        var server = replica.Connection.Multiplexer.GetServer(replica.Connection.Multiplexer.GetEndPoints()[0]);
        Assert.Empty(server.Keys(pattern: _prefix + "*"));
    }

    public void Dispose() => _replicas.ForEach(r => r.Dispose());

    private RedisReplica Replica()
    {
        var replica = new RedisReplica(redis.Server.ConnectionString, _prefix, _time);
        _replicas.Add(replica);
        return replica;
    }
}
