using System.Collections.Concurrent;

namespace Gateway.State.Limits;

/// <summary>
/// Fixed-window limits in process memory: one replica's view, exact within it. Each key's
/// counters are checked, counted and reserved under the key's own lock, so concurrent admissions
/// see each other's reservations; keys whose windows have all expired are swept out once a minute.
/// A reservation lives in its window's counters and goes with them when the window rolls over.
/// </summary>
internal sealed class InMemoryLimitStore(TimeProvider time) : ILimitStore
{
    private static readonly long SweepIntervalMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;

    private readonly ConcurrentDictionary<string, Counters> _keys = new(StringComparer.Ordinal);
    private long _nextSweepMs = long.MinValue;

    /// <summary>Keys holding counters now; for tests of the sweep.</summary>
    internal int Count => _keys.Count;

    public ValueTask<LimitDecision> AcquireAsync(string key, KeyLimits limits, LimitCharge reserve, CancellationToken cancellationToken)
    {
        if (limits.IsUnlimited)
        {
            return ValueTask.FromResult(LimitDecision.Unlimited);
        }

        var reserved = LimitSettlement.Reservable(limits, reserve);
        var clock = Now(limits, out var nowMs);
        var decision = Update(key, clock, c =>
        {
            var rejected = c.Usage.Exceeded(limits, clock);
            if (rejected is not null)
            {
                return c.Usage.Decide(limits, clock, rejected);
            }

            c.Requests++;
            c.Add(reserved);
            return c.Usage.Decide(limits, clock, null) with { Reservation = clock.Reserve(reserved.Tokens, reserved.SpendUsd, this) };
        });
        Sweep(nowMs);
        return ValueTask.FromResult(decision);
    }

    public ValueTask SettleAsync(string key, KeyLimits limits, LimitReservation reservation, long tokens, decimal spendUsd, CancellationToken cancellationToken)
    {
        // Another store's reservation is not in these counters: only the use is ours to count.
        if (!ReferenceEquals(reservation.Store, this))
        {
            return RecordUsageAsync(key, limits, tokens, spendUsd, cancellationToken);
        }

        var clock = Now(limits, out _);
        var settlement = LimitSettlement.Settle(limits, clock, reservation, tokens, spendUsd);
        if (!settlement.IsZero)
        {
            Update(key, clock, c => c.Add(settlement));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RecordUsageAsync(string key, KeyLimits limits, long tokens, decimal spendUsd, CancellationToken cancellationToken)
    {
        var charge = LimitSettlement.Charge(limits, tokens, spendUsd);
        if (!charge.IsZero)
        {
            var clock = Now(limits, out _);
            Update(key, clock, c => c.Add(charge));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<LimitState>> PeekAsync(string key, KeyLimits limits, CancellationToken cancellationToken)
    {
        var clock = Now(limits, out _);
        var usage = default(LimitUsage);
        if (_keys.TryGetValue(key, out var counters))
        {
            lock (counters)
            {
                counters.Roll(clock);
                usage = counters.Usage;
            }
        }

        return ValueTask.FromResult(usage.States(limits, clock));
    }

    private LimitClock Now(KeyLimits limits, out long nowMs)
    {
        var now = time.GetUtcNow();
        nowMs = now.ToUnixTimeMilliseconds();
        return LimitClock.At(now, limits.Period);
    }

    private T Update<T>(string key, LimitClock clock, Func<Counters, T> update)
    {
        while (true)
        {
            var counters = _keys.GetOrAdd(key, static _ => new Counters());
            lock (counters)
            {
                // Swept between our lookup and our lock: start again on the fresh entry.
                if (counters.Removed)
                {
                    continue;
                }

                counters.Roll(clock);
                return update(counters);
            }
        }
    }

    private void Sweep(long nowMs)
    {
        var due = Interlocked.Read(ref _nextSweepMs);
        if (nowMs < due || Interlocked.CompareExchange(ref _nextSweepMs, nowMs + SweepIntervalMs, due) != due)
        {
            return;
        }

        var minute = nowMs / 60_000;
        foreach (var (key, counters) in _keys)
        {
            lock (counters)
            {
                if (counters.Minute < minute && (counters.Spend == 0 || counters.Period < nowMs / counters.PeriodMs))
                {
                    counters.Removed = true;
                    _keys.TryRemove(new KeyValuePair<string, Counters>(key, counters));
                }
            }
        }
    }

    private sealed class Counters
    {
        public long Minute = -1;
        public long Period = -1;
        public long PeriodMs = 1;
        public long Requests;
        public long Tokens;
        public decimal Spend;
        public bool Removed;

        public LimitUsage Usage => new(Requests, Tokens, Spend);

        /// <summary>Applies a reservation, a settlement or a charge to the current windows; returns true for <see cref="Update{T}"/>.</summary>
        public bool Add(LimitSettlement change)
        {
            Tokens = LimitSettlement.Apply(Tokens, change.Tokens);
            Spend = Math.Max(0, Spend + change.SpendUsd);
            return true;
        }

        public void Roll(LimitClock clock)
        {
            if (Minute != clock.Minute)
            {
                (Minute, Requests, Tokens) = (clock.Minute, 0, 0);
            }

            if (Period != clock.Period || PeriodMs != clock.PeriodMilliseconds)
            {
                (Period, PeriodMs, Spend) = (clock.Period, clock.PeriodMilliseconds, 0);
            }
        }
    }
}
