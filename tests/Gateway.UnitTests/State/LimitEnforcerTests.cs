using Gateway.Host.Auth;
using Gateway.Host.Metrics;
using Gateway.Host.State;
using Gateway.State;
using Gateway.State.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class LimitEnforcerTests
{
    private static readonly VirtualKey Key = new("team", null, false, new KeyLimits(TokensPerMinute: 1000, BudgetUsd: 1m));

    // 10:00:15 UTC.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 15, TimeSpan.Zero));
    private readonly InMemoryLimitStore _store;
    private readonly LimitEnforcer _enforcer;

    public LimitEnforcerTests()
    {
        _store = new InMemoryLimitStore(_time);
        var usage = new UsageRecorder(_store, new StaticOptionsMonitor(new LimitsOptions { UsageFlushInterval = TimeSpan.Zero }), _time, NullLogger<UsageRecorder>.Instance);
        _enforcer = new LimitEnforcer(_store, new GatewayMetrics(), usage);
    }

    [Fact]
    public async Task AcquireAsync_WithReservation_RemainingHeadersCountIt()
    {
        var context = new DefaultHttpContext();

        var admission = await _enforcer.AcquireAsync(context, Key, new LimitCharge(300, 0.25m));

        Assert.Null(admission.Error);
        Assert.Equal((300L, 0.25m), (admission.Reservation!.Tokens, admission.Reservation.SpendUsd));
        Assert.Equal("700", context.Response.Headers["x-ratelimit-remaining-tokens"]);
        Assert.Equal("0.75", context.Response.Headers["x-ratelimit-remaining-budget"]);
    }

    [Fact]
    public async Task AcquireAsync_ReservationsFillTheLimit_Returns429()
    {
        await _enforcer.AcquireAsync(new DefaultHttpContext(), Key, new LimitCharge(1000, 0m));

        var admission = await _enforcer.AcquireAsync(new DefaultHttpContext(), Key, new LimitCharge(1, 0m));

        Assert.Equal(StatusCodes.Status429TooManyRequests, admission.Error?.Status);
        Assert.Null(admission.Reservation);
    }

    [Fact]
    public async Task SettleAsync_UsedLessThanReserved_FreesTheRest()
    {
        var admission = await _enforcer.AcquireAsync(new DefaultHttpContext(), Key, new LimitCharge(300, 0.25m));

        await _enforcer.SettleAsync(Key, admission.Reservation, 100, 0.05m);

        var states = await _store.PeekAsync("team", Key.Limits!, default);
        Assert.Equal([900m, 0.95m], states.Select(s => s.Remaining));
    }

    [Fact]
    public async Task AcquireAsync_WithoutReservation_ReservesNothingAndRecordCharges()
    {
        var context = new DefaultHttpContext();

        Assert.Null(await _enforcer.AcquireAsync(context, Key));
        await _enforcer.RecordAsync(Key, 100, 0m);

        Assert.Equal("1000", context.Response.Headers["x-ratelimit-remaining-tokens"]);
        Assert.Equal(900, (await _store.PeekAsync("team", Key.Limits!, default))[0].Remaining);
    }

    private sealed class StaticOptionsMonitor(LimitsOptions value) : IOptionsMonitor<LimitsOptions>
    {
        public LimitsOptions CurrentValue => value;

        public LimitsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LimitsOptions, string?> listener) => null;
    }
}
