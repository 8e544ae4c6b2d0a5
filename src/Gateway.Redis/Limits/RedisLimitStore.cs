using Gateway.State;
using Gateway.State.Limits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis.Limits;

/// <summary>
/// Limits shared by every replica on one Redis: fixed windows (calendar minute, epoch-aligned
/// budget period) named in the counter keys, which expire with their windows. Admission and its
/// reservation are one script, a settlement another, so replicas see each other's reservations.
/// Spend is counted in integer micro-dollars, exact to 1e-6 USD. When Redis fails, fail open hands
/// over to this replica's in-memory counters (admissions made there hold reservations there; a
/// Redis reservation settled during the outage charges its use there as a plain charge); fail
/// closed refuses with <see cref="LimitDecision.Unavailable"/> and drops what could not be counted.
/// </summary>
internal sealed class RedisLimitStore : ILimitStore
{
    // Counters outlive their window a little, so a replica whose clock lags still sees them.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryAfterOutage = TimeSpan.FromSeconds(1);

    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly StoreGuard _guard;
    private readonly InMemoryLimitStore _fallback;

    public RedisLimitStore(RedisConnection redis, IOptions<RedisStateOptions> options, TimeProvider time, IStateStoreEvents events, ILogger<RedisLimitStore> logger)
    {
        _redis = redis;
        _time = time;
        _guard = new(_redis, StateStoreNames.Limits, options.Value.Limits, options.Value, events, logger, time);
        _fallback = new InMemoryLimitStore(time);
    }

    public async ValueTask<LimitDecision> AcquireAsync(string key, KeyLimits limits, LimitCharge reserve, CancellationToken cancellationToken)
    {
        if (limits.IsUnlimited)
        {
            return LimitDecision.Unlimited;
        }

        var reserved = LimitSettlement.Reservable(limits, reserve);
        var reservedMicros = Micros.FromUsd(reserved.SpendUsd);
        var clock = LimitClock.At(_time.GetUtcNow(), limits.Period);
        try
        {
            var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(LimitScripts.Acquire, Keys(key, clock),
            [
                limits.RequestsPerMinute ?? -1,
                limits.TokensPerMinute ?? -1,
                limits.BudgetUsd is { } budget ? Micros.FromUsd(budget) : -1,
                Milliseconds(clock.MinuteResetIn),
                Milliseconds(clock.MinuteResetIn),
                Milliseconds(clock.PeriodResetIn),
                reserved.Tokens,
                reservedMicros,
            ]))!;
            var usage = new LimitUsage((long)result[1], (long)result[2], Micros.ToUsd((long)result[3]));
            if ((long)result[0] != 1)
            {
                return usage.Decide(limits, clock, usage.Exceeded(limits, clock) ?? LimitKind.Requests);
            }

            return usage.Decide(limits, clock, null) with { Reservation = clock.Reserve(reserved.Tokens, Micros.ToUsd(reservedMicros), this) };
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            _guard.Failed(ex);
            return _guard.FailsOpen
                ? await _fallback.AcquireAsync(key, limits, reserve, cancellationToken)
                : LimitDecision.Unavailable("The rate limit store is unavailable and limits are configured to fail closed.", RetryAfterOutage);
        }
    }

    public async ValueTask SettleAsync(string key, KeyLimits limits, LimitReservation reservation, long tokens, decimal spendUsd, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(reservation.Store, _fallback))
        {
            // Admitted from this replica's own counters during an outage: the reservation is
            // released there, and the use is charged where limits are counted now (Redis once it
            // is back, so the other replicas see it; this replica's counters while it is not).
            await _fallback.SettleAsync(key, limits, reservation, 0, 0m, cancellationToken);
            await RecordUsageAsync(key, limits, tokens, spendUsd, cancellationToken);
            return;
        }

        if (reservation.Store is not RedisLimitStore)
        {
            await RecordUsageAsync(key, limits, tokens, spendUsd, cancellationToken);
            return;
        }

        // Any Redis replica's reservation is in Redis, so any replica can settle it.
        var clock = LimitClock.At(_time.GetUtcNow(), limits.Period);
        await ApplyAsync(key, limits, clock, LimitSettlement.Settle(limits, clock, reservation, tokens, spendUsd), tokens, spendUsd, cancellationToken);
    }

    public async ValueTask RecordUsageAsync(string key, KeyLimits limits, long tokens, decimal spendUsd, CancellationToken cancellationToken)
    {
        var clock = LimitClock.At(_time.GetUtcNow(), limits.Period);
        await ApplyAsync(key, limits, clock, LimitSettlement.Charge(limits, tokens, spendUsd), tokens, spendUsd, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<LimitState>> PeekAsync(string key, KeyLimits limits, CancellationToken cancellationToken)
    {
        var clock = LimitClock.At(_time.GetUtcNow(), limits.Period);
        try
        {
            var values = await _redis.Database.StringGetAsync(Keys(key, clock));
            var usage = new LimitUsage(Count(values[0]), Count(values[1]), Micros.ToUsd(Count(values[2])));
            return usage.States(limits, clock);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            _guard.Failed(ex);
            return _guard.FailsOpen ? await _fallback.PeekAsync(key, limits, cancellationToken) : [];
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current windows. When Redis fails and limits fail
    /// open, the request's use (<paramref name="tokens"/>, <paramref name="spendUsd"/>) is charged to
    /// this replica's counters instead: a Redis reservation cannot be refunded there, it stays in Redis
    /// and goes with its window.
    /// </summary>
    private async ValueTask ApplyAsync(string key, KeyLimits limits, LimitClock clock, LimitSettlement change, long tokens, decimal spendUsd, CancellationToken cancellationToken)
    {
        var micros = Micros.FromUsd(change.SpendUsd);
        if (change.Tokens == 0 && micros == 0)
        {
            return;
        }

        var keys = Keys(key, clock);
        try
        {
            await _redis.Database.ScriptEvaluateAsync(LimitScripts.Apply, [keys[1], keys[2]],
                [change.Tokens, micros, Milliseconds(clock.MinuteResetIn), Milliseconds(clock.PeriodResetIn)]);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            _guard.Failed(ex);
            if (_guard.FailsOpen)
            {
                await _fallback.RecordUsageAsync(key, limits, tokens, spendUsd, cancellationToken);
            }
        }
    }

    private RedisKey[] Keys(string key, LimitClock clock)
    {
        // The hash tag keeps one key's counters in one slot, so the scripts also run on a cluster.
        var root = $"{_redis.Prefix}limit:{{{key}}}:";
        return
        [
            root + "rpm:" + clock.Minute,
            root + "tpm:" + clock.Minute,
            root + "usd:" + clock.PeriodMilliseconds + ":" + clock.Period,
        ];
    }

    private static long Count(RedisValue value) => value.IsNull ? 0 : (long)value;

    private static long Milliseconds(TimeSpan resetIn) => (long)(resetIn + Slack).TotalMilliseconds;
}
