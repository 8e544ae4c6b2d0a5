using Gateway.State;
using Gateway.State.Limits;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class InMemoryLimitStoreTests
{
    // 10:00:15 UTC on a day boundary-aligned date: 45 s left in the minute.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 15, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryLimitStore _store;

    public InMemoryLimitStoreTests() => _store = new InMemoryLimitStore(_time);

    [Fact]
    public async Task AcquireAsync_UnderRequestLimit_AllowsThenRejectsUntilMinuteEnds()
    {
        var limits = new KeyLimits(RequestsPerMinute: 3);
        for (var i = 0; i < 3; i++)
        {
            var allowed = await _store.AcquireAsync("k", limits, default);
            Assert.True(allowed.Allowed);
            Assert.Equal(new LimitState(LimitKind.Requests, 3, 2 - i, TimeSpan.FromSeconds(45)), Assert.Single(allowed.States));
        }

        var rejected = await _store.AcquireAsync("k", limits, default);

        Assert.False(rejected.Allowed);
        Assert.Equal(LimitKind.Requests, rejected.Rejected);
        Assert.Equal(TimeSpan.FromSeconds(45), rejected.RetryAfter);
        Assert.Equal(0, rejected.States[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_NextMinute_StartsFreshWindow()
    {
        var limits = new KeyLimits(RequestsPerMinute: 1);
        Assert.True((await _store.AcquireAsync("k", limits, default)).Allowed);
        Assert.False((await _store.AcquireAsync("k", limits, default)).Allowed);

        _time.Advance(TimeSpan.FromSeconds(45));

        Assert.True((await _store.AcquireAsync("k", limits, default)).Allowed);
    }

    [Fact]
    public async Task AcquireAsync_KeysAreIndependent_CountsEachKeyApart()
    {
        var limits = new KeyLimits(RequestsPerMinute: 1);
        Assert.True((await _store.AcquireAsync("a", limits, default)).Allowed);
        Assert.True((await _store.AcquireAsync("b", limits, default)).Allowed);
        Assert.False((await _store.AcquireAsync("a", limits, default)).Allowed);
    }

    [Fact]
    public async Task AcquireAsync_TokensRecordedPastLimit_RejectsUntilMinuteEnds()
    {
        var limits = new KeyLimits(TokensPerMinute: 100);
        Assert.True((await _store.AcquireAsync("k", limits, default)).Allowed);
        await _store.RecordUsageAsync("k", limits, 100, 0m, default);

        var rejected = await _store.AcquireAsync("k", limits, default);
        _time.Advance(TimeSpan.FromSeconds(45));
        var nextMinute = await _store.AcquireAsync("k", limits, default);

        Assert.Equal(LimitKind.Tokens, rejected.Rejected);
        Assert.Equal(TimeSpan.FromSeconds(45), rejected.RetryAfter);
        Assert.True(nextMinute.Allowed);
        Assert.Equal(100, nextMinute.States[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_BudgetSpent_RejectsUntilEpochAlignedPeriodEnds()
    {
        var limits = new KeyLimits(BudgetUsd: 0.003m, BudgetPeriod: TimeSpan.FromHours(1));
        await _store.RecordUsageAsync("k", limits, 0, 0.001m, default);
        await _store.RecordUsageAsync("k", limits, 0, 0.0015m, default);
        var allowed = await _store.AcquireAsync("k", limits, default);
        await _store.RecordUsageAsync("k", limits, 0, 0.0005m, default);

        var rejected = await _store.AcquireAsync("k", limits, default);
        _time.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(45));
        var nextPeriod = await _store.AcquireAsync("k", limits, default);

        Assert.True(allowed.Allowed);
        Assert.Equal(0.0005m, allowed.States[0].Remaining);
        Assert.Equal(LimitKind.Budget, rejected.Rejected);
        Assert.Equal(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(45), rejected.RetryAfter);
        Assert.True(nextPeriod.Allowed);
    }

    [Fact]
    public async Task AcquireAsync_SeveralLimitsExceeded_ReportsTheOneThatClearsLast()
    {
        var limits = new KeyLimits(RequestsPerMinute: 1, BudgetUsd: 1m);
        await _store.AcquireAsync("k", limits, default);
        await _store.RecordUsageAsync("k", limits, 10, 2m, default);

        var rejected = await _store.AcquireAsync("k", limits, default);

        Assert.Equal(LimitKind.Budget, rejected.Rejected);
        Assert.Equal(TimeSpan.FromHours(14) - TimeSpan.FromSeconds(15), rejected.RetryAfter);
        Assert.Equal(2, rejected.States.Count);
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentCallers_AllowsExactlyTheLimit()
    {
        var limits = new KeyLimits(RequestsPerMinute: 150);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 400)
            .Select(_ => Task.Run(async () => await _store.AcquireAsync("k", limits, default))));

        Assert.Equal(150, decisions.Count(d => d.Allowed));
    }

    [Fact]
    public async Task PeekAsync_AfterUsage_ReportsRemainingWithoutCounting()
    {
        var limits = new KeyLimits(RequestsPerMinute: 5, TokensPerMinute: 1000);
        await _store.AcquireAsync("k", limits, default);
        await _store.RecordUsageAsync("k", limits, 250, 0m, default);

        var first = await _store.PeekAsync("k", limits, default);
        var second = await _store.PeekAsync("k", limits, default);

        Assert.Equal(first, second);
        Assert.Equal(4, first[0].Remaining);
        Assert.Equal(750, first[1].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_Unlimited_CountsNothing()
    {
        var decision = await _store.AcquireAsync("k", KeyLimits.None, default);

        Assert.Same(LimitDecision.Unlimited, decision);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task AcquireAsync_AfterWindowsExpire_SweepsIdleKeys()
    {
        var limits = new KeyLimits(RequestsPerMinute: 5);
        await _store.AcquireAsync("idle", limits, default);
        Assert.Equal(1, _store.Count);

        _time.Advance(TimeSpan.FromMinutes(2));
        await _store.AcquireAsync("active", limits, default);

        Assert.Equal(1, _store.Count);
        Assert.Equal(5, (await _store.PeekAsync("idle", limits, default))[0].Remaining);
    }
}
