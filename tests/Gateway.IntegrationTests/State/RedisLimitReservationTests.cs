using Gateway.State;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Gateway.IntegrationTests.State;

/// <summary>Reservations on a real redis-server, made and settled by two replicas.</summary>
public sealed class RedisLimitReservationTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    // 10:00:15 UTC: 45 s left in the minute.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 15, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly List<RedisReplica> _replicas = [];

    [Fact]
    public async Task AcquireAsync_EightConcurrentReservationsPastTokenLimitOnTwoReplicas_AdmitsOne()
    {
        var limits = new KeyLimits(TokensPerMinute: 10);

        var decisions = await AcquireConcurrentlyAsync(8, limits, new LimitCharge(100, 0m));

        // The first reservation (0 < 10) fills the window (100, held as the limit's 10); every later one sees 10 >= 10.
        Assert.Single(decisions, d => d.Allowed);
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(LimitKind.Tokens, d.Rejected));
        Assert.Equal(10, await CounterAsync("tpm:" + Minute(Start)));
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentReservationsUnderTokenLimitOnTwoReplicas_AdmitWhileReservedIsBelowIt()
    {
        var limits = new KeyLimits(TokensPerMinute: 1000);

        var decisions = await AcquireConcurrentlyAsync(8, limits, new LimitCharge(300, 0m));

        // Admitted at 0, 300, 600 and 900 reserved; 1200 >= 1000 refuses the rest.
        Assert.Equal(4, decisions.Count(d => d.Allowed));
        Assert.All(decisions.Where(d => d.Allowed), d => Assert.Equal(300, d.Reservation!.Tokens));
        Assert.Equal(1200, await CounterAsync("tpm:" + Minute(Start)));
    }

    [Fact]
    public async Task SettleAsync_LessThanReservedOnOneReplica_FreesTheDifferenceOnTheOther()
    {
        var (a, b) = (Replica(), Replica());
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var admitted = await AcquireConcurrentlyAsync(4, limits, new LimitCharge(300, 0m));
        Assert.False((await b.Limits.AcquireAsync("team-a", limits, new LimitCharge(300, 0m), default)).Allowed);

        await a.Limits.SettleAsync("team-a", limits, admitted[0].Reservation!, 50, 0m, default);
        var next = await b.Limits.AcquireAsync("team-a", limits, new LimitCharge(10, 0m), default);

        // 1200 reserved - 300 + 50 used = 950 < 1000, then 10 more reserved.
        Assert.True(next.Allowed);
        Assert.Equal(40, next.States[0].Remaining);
    }

    [Fact]
    public async Task SettleAsync_Zero_RefundsTheWholeReservation()
    {
        var replica = Replica();
        var limits = new KeyLimits(TokensPerMinute: 10);
        var admitted = await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(100, 0m), default);
        Assert.False((await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(100, 0m), default)).Allowed);

        await replica.Limits.SettleAsync("team-a", limits, admitted.Reservation!, 0, 0m, default);

        Assert.Equal(0, await CounterAsync("tpm:" + Minute(Start)));
        Assert.True((await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(100, 0m), default)).Allowed);
    }

    [Fact]
    public async Task AcquireAsync_BudgetReservationsOnTwoReplicas_CountInMicroDollarsAndSettleFreesThem()
    {
        var limits = new KeyLimits(BudgetUsd: 0.001m, BudgetPeriod: TimeSpan.FromHours(1));
        var admitted = (await AcquireConcurrentlyAsync(8, limits, new LimitCharge(0, 0.0003m))).Where(d => d.Allowed).ToList();
        var spend = "usd:3600000:" + (Start.ToUnixTimeSeconds() / 3600);
        var reserved = await CounterAsync(spend);

        await Replica().Limits.SettleAsync("team-a", limits, admitted[0].Reservation!, 0, 0.00005m, default);
        var settled = await CounterAsync(spend);
        var next = await Replica().Limits.AcquireAsync("team-a", limits, new LimitCharge(0, 0.0003m), default);

        // 0, 300, 600, 900 micro-dollars admitted; 1200 - 300 + 50 = 950 admits one more.
        Assert.Equal(4, admitted.Count);
        Assert.Equal(1200, reserved);
        Assert.Equal(950, settled);
        Assert.True(next.Allowed);
    }

    [Fact]
    public async Task SettleAsync_AfterMinuteRolledOver_ChargesTheActualToTheNewMinuteOnly()
    {
        var replica = Replica();
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var old = await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(300, 0m), default);
        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.True((await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(200, 0m), default)).Allowed);

        await replica.Limits.SettleAsync("team-a", limits, old.Reservation!, 120, 0m, default);

        Assert.Equal(300, await CounterAsync("tpm:" + Minute(Start)));
        Assert.Equal(200 + 120, await CounterAsync("tpm:" + (Minute(Start) + 1)));
    }

    [Fact]
    public async Task SettleAsync_CounterLost_NeverGoesBelowZero()
    {
        var replica = Replica();
        var limits = new KeyLimits(TokensPerMinute: 1000);
        var first = await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(300, 0m), default);
        var second = await replica.Limits.AcquireAsync("team-a", limits, new LimitCharge(300, 0m), default);
        await replica.Connection.Database.KeyDeleteAsync(Key("tpm:" + Minute(Start)));
        await replica.Limits.RecordUsageAsync("team-a", limits, 100, 0m, default);

        await replica.Limits.SettleAsync("team-a", limits, first.Reservation!, 0, 0m, default);
        await replica.Limits.SettleAsync("team-a", limits, second.Reservation!, 0, 0m, default);

        Assert.Equal(0, await CounterAsync("tpm:" + Minute(Start)));
        Assert.Equal(1000, (await replica.Limits.PeekAsync("team-a", limits, default))[0].Remaining);
    }

    public void Dispose() => _replicas.ForEach(r => r.Dispose());

    private static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    /// <summary>Acquires from two replicas in turn, concurrently.</summary>
    private async Task<LimitDecision[]> AcquireConcurrentlyAsync(int count, KeyLimits limits, LimitCharge reserve)
    {
        var (a, b) = (Replica(), Replica());
        return await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? a : b).Limits.AcquireAsync("team-a", limits, reserve, default))));
    }

    private RedisKey Key(string counter) => _prefix + "limit:{team-a}:" + counter;

    private async Task<long> CounterAsync(string counter)
    {
        var value = await Replica().Connection.Database.StringGetAsync(Key(counter));
        return value.IsNull ? 0 : (long)value;
    }

    private RedisReplica Replica()
    {
        var replica = new RedisReplica(redis.Server.ConnectionString, _prefix, _time);
        _replicas.Add(replica);
        return replica;
    }
}
