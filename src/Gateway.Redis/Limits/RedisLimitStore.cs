using Gateway.State;
using Gateway.State.Limits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis.Limits;

/// <summary>
/// Limits shared by every replica on one Redis: fixed windows (calendar minute, epoch-aligned
/// budget period) named in the counter keys, which expire with their windows. Spend is counted in
/// integer micro-dollars, exact to 1e-6 USD. When Redis fails, fail open hands over to this
/// replica's in-memory counters; fail closed refuses with <see cref="LimitDecision.Unavailable"/>.
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

    public async ValueTask<LimitDecision> AcquireAsync(string key, KeyLimits limits, CancellationToken cancellationToken)
    {
        if (limits.IsUnlimited)
        {
            return LimitDecision.Unlimited;
        }

        var clock = LimitClock.At(_time.GetUtcNow(), limits.Period);
        try
        {
            var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(LimitScripts.Acquire, Keys(key, clock),
            [
                limits.RequestsPerMinute ?? -1,
                limits.TokensPerMinute ?? -1,
                limits.BudgetUsd is { } budget ? Micros.FromUsd(budget) : -1,
                Milliseconds(clock.MinuteResetIn),
            ]))!;
            var usage = new LimitUsage((long)result[1], (long)result[2], Micros.ToUsd((long)result[3]));
            LimitKind? rejected = (long)result[0] == 1 ? null : usage.Exceeded(limits, clock) ?? LimitKind.Requests;
            return usage.Decide(limits, clock, rejected);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            _guard.Failed(ex);
            return _guard.FailsOpen
                ? await _fallback.AcquireAsync(key, limits, cancellationToken)
                : LimitDecision.Unavailable("The rate limit store is unavailable and limits are configured to fail closed.", RetryAfterOutage);
        }
    }

    public async ValueTask RecordUsageAsync(string key, KeyLimits limits, long tokens, decimal spendUsd, CancellationToken cancellationToken)
    {
        var countTokens = limits.TokensPerMinute is null ? 0 : Math.Max(0, tokens);
        var countMicros = limits.BudgetUsd is null ? 0 : Math.Max(0, Micros.FromUsd(spendUsd));
        if (countTokens == 0 && countMicros == 0)
        {
            return;
        }

        var clock = LimitClock.At(_time.GetUtcNow(), limits.Period);
        var keys = Keys(key, clock);
        try
        {
            await _redis.Database.ScriptEvaluateAsync(LimitScripts.Record, [keys[1], keys[2]],
                [countTokens, countMicros, Milliseconds(clock.MinuteResetIn), Milliseconds(clock.PeriodResetIn)]);
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
