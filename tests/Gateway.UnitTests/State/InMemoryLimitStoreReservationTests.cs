using Gateway.State;
using Gateway.State.Limits;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class InMemoryLimitStoreReservationTests
{
    // 10:00:15 UTC: 45 s left in the minute.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 15, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryLimitStore _store;

    public InMemoryLimitStoreReservationTests() => _store = new InMemoryLimitStore(_time);

    [Fact]
    public async Task AcquireAsync_EightConcurrentReservationsPastTokenLimit_AdmitsOne()
    {
        var limits = new KeyLimits(TokensPerMinute: 10);

        var decisions = await AcquireConcurrentlyAsync(8, limits, new LimitCharge(100, 0m));

        // The first reservation (0 < 10) fills the window (100, held as the limit's 10); every later one sees 10 >= 10.
        Assert.Single(decisions, d => d.Allowed);
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(LimitKind.Tokens, d.Rejected));
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentReservationsUnderTokenLimit_AdmitWhileReservedIsBelowIt()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);

        var decisions = await AcquireConcurrentlyAsync(8, limits, new LimitCharge(300, 0m));

        // Admitted at 0, 300, 600 and 900 reserved; 1200 >= 1000 refuses the rest.
        Assert.Equal(4, decisions.Count(d => d.Allowed));
        Assert.All(decisions.Where(d => d.Allowed), d => Assert.Equal(300, d.Reservation!.Tokens));
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Null(d.Reservation));
        Assert.Equal(0, (await _store.PeekAsync("k", limits, default))[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_WithReservation_RemainingCountsIt()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);

        var decision = await _store.AcquireAsync("k", limits, new LimitCharge(300, 0m), default);

        Assert.Equal(700, decision.States[0].Remaining);
        Assert.Equal(new LimitReservation(Start.ToUnixTimeSeconds() / 60, Start.ToUnixTimeSeconds() / 86_400, TimeSpan.FromDays(1), 300, 0m) { Store = _store }, decision.Reservation);
    }

    [Fact]
    public async Task SettleAsync_LessThanReserved_FreesTheDifference()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var admitted = await AcquireConcurrentlyAsync(4, limits, new LimitCharge(300, 0m));
        Assert.False((await _store.AcquireAsync("k", limits, new LimitCharge(300, 0m), default)).Allowed);

        await _store.SettleAsync("k", limits, admitted[0].Reservation!, 50, 0m, default);
        var next = await _store.AcquireAsync("k", limits, new LimitCharge(10, 0m), default);

        // 1200 reserved - 300 + 50 used = 950 < 1000, then 10 more reserved.
        Assert.True(next.Allowed);
        Assert.Equal(40, next.States[0].Remaining);
    }

    [Fact]
    public async Task SettleAsync_Zero_RefundsTheWholeReservation()
    {
        var limits = new KeyLimits(TokensPerMinute: 10);
        var admitted = await _store.AcquireAsync("k", limits, new LimitCharge(100, 0m), default);
        Assert.False((await _store.AcquireAsync("k", limits, new LimitCharge(100, 0m), default)).Allowed);

        await _store.SettleAsync("k", limits, admitted.Reservation!, 0, 0m, default);

        Assert.Equal(10, (await _store.PeekAsync("k", limits, default))[0].Remaining);
        Assert.True((await _store.AcquireAsync("k", limits, new LimitCharge(100, 0m), default)).Allowed);
    }

    [Fact]
    public async Task SettleAsync_MoreThanReserved_ChargesTheDifference()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var admitted = await _store.AcquireAsync("k", limits, new LimitCharge(100, 0m), default);

        await _store.SettleAsync("k", limits, admitted.Reservation!, 250, 0m, default);

        Assert.Equal(750, (await _store.PeekAsync("k", limits, default))[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_BudgetReservations_AdmitWhileReservedSpendIsBelowBudgetAndSettleFreesIt()
    {
        var limits = new KeyLimits(BudgetUsd: 0.001m);
        var admitted = (await AcquireConcurrentlyAsync(8, limits, new LimitCharge(0, 0.0003m))).Where(d => d.Allowed).ToList();

        await _store.SettleAsync("k", limits, admitted[0].Reservation!, 0, 0.00005m, default);
        var settled = await _store.PeekAsync("k", limits, default);
        var next = await _store.AcquireAsync("k", limits, new LimitCharge(0, 0.0003m), default);

        // 0, 0.0003, 0.0006, 0.0009 admitted; 0.0012 - 0.0003 + 0.00005 = 0.00095 admits one more.
        Assert.Equal(4, admitted.Count);
        Assert.Equal(0.00005m, settled[0].Remaining);
        Assert.True(next.Allowed);
    }

    [Fact]
    public async Task SettleAsync_AfterMinuteRolledOver_ChargesTheActualToTheNewMinuteOnly()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var old = await _store.AcquireAsync("k", limits, new LimitCharge(300, 0m), default);
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.True((await _store.AcquireAsync("k", limits, new LimitCharge(200, 0m), default)).Allowed);

        await _store.SettleAsync("k", limits, old.Reservation!, 120, 0m, default);

        // The new minute holds its own 200 and the late 120; the old 300 went with the old minute.
        Assert.Equal(1000 - 200 - 120, (await _store.PeekAsync("k", limits, default))[0].Remaining);
    }

    [Fact]
    public async Task SettleAsync_AfterBudgetPeriodEnded_ChargesTheActualToTheNewPeriodOnly()
    {
        var limits = new KeyLimits(BudgetUsd: 1m, BudgetPeriod: TimeSpan.FromHours(1));
        var old = await _store.AcquireAsync("k", limits, new LimitCharge(0, 0.5m), default);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.True((await _store.AcquireAsync("k", limits, new LimitCharge(0, 0.1m), default)).Allowed);

        await _store.SettleAsync("k", limits, old.Reservation!, 0, 0.2m, default);

        Assert.Equal(1m - 0.1m - 0.2m, (await _store.PeekAsync("k", limits, default))[0].Remaining);
    }

    [Fact]
    public async Task SettleAsync_ReservationOfAnotherStore_ChargesOnlyTheUse()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var foreign = await new InMemoryLimitStore(_time).AcquireAsync("k", limits, new LimitCharge(300, 0m), default);
        await _store.AcquireAsync("k", limits, new LimitCharge(200, 0m), default);

        await _store.SettleAsync("k", limits, foreign.Reservation!, 50, 0m, default);

        Assert.Equal(1000 - 200 - 50, (await _store.PeekAsync("k", limits, default))[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_ReservationPastTheLimit_HoldsAtMostTheLimit()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var admitted = await _store.AcquireAsync("k", limits, new LimitCharge(long.MaxValue, 0m), default);

        await _store.SettleAsync("k", limits, admitted.Reservation!, 10, 0m, default);

        Assert.Equal(1000, admitted.Reservation!.Tokens);
        Assert.Equal(990, (await _store.PeekAsync("k", limits, default))[0].Remaining);
    }

    [Fact]
    public async Task AcquireAsync_OnlyRequestLimit_ReservesNothingAndSettleCountsNothing()
    {
        var limits = new KeyLimits(RequestsPerMinute: 5);
        var admitted = await _store.AcquireAsync("k", limits, new LimitCharge(300, 1m), default);

        await _store.SettleAsync("k", limits, admitted.Reservation!, 500, 2m, default);

        Assert.Equal((0L, 0m), (admitted.Reservation!.Tokens, admitted.Reservation.SpendUsd));
        Assert.Equal(4, (await _store.PeekAsync("k", limits, default))[0].Remaining);
    }

    private async Task<LimitDecision[]> AcquireConcurrentlyAsync(int count, KeyLimits limits, LimitCharge reserve) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(async () => await _store.AcquireAsync("k", limits, reserve, default))));
}
