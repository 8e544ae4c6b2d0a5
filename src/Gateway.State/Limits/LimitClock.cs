namespace Gateway.State.Limits;

/// <summary>
/// The windows a limit check falls in: the calendar minute (requests, tokens) and the budget
/// period, both aligned to the Unix epoch so every replica computes the same windows.
/// </summary>
internal readonly record struct LimitClock(long Minute, TimeSpan MinuteResetIn, long Period, TimeSpan PeriodResetIn, long PeriodMilliseconds)
{
    private const long MinuteMilliseconds = 60_000;

    public static LimitClock At(DateTimeOffset now, TimeSpan period)
    {
        var ms = now.ToUnixTimeMilliseconds();
        var periodMs = Math.Max(1, (long)period.TotalMilliseconds);
        var minute = ms / MinuteMilliseconds;
        var index = ms / periodMs;
        return new LimitClock(
            minute,
            TimeSpan.FromMilliseconds(((minute + 1) * MinuteMilliseconds) - ms),
            index,
            TimeSpan.FromMilliseconds(((index + 1) * periodMs) - ms),
            periodMs);
    }

    public TimeSpan ResetIn(LimitKind kind) => kind == LimitKind.Budget ? PeriodResetIn : MinuteResetIn;

    /// <summary>A reservation of <paramref name="tokens"/> and <paramref name="spendUsd"/> in these windows, held by <paramref name="store"/>.</summary>
    public LimitReservation Reserve(long tokens, decimal spendUsd, ILimitStore store) =>
        new(Minute, Period, TimeSpan.FromMilliseconds(PeriodMilliseconds), tokens, spendUsd) { Store = store };

    /// <summary>Whether the reservation's budget period is this one: same index and same length.</summary>
    public bool IsPeriodOf(LimitReservation reservation) =>
        reservation.BudgetPeriod == Period && (long)reservation.BudgetPeriodLength.TotalMilliseconds == PeriodMilliseconds;
}
