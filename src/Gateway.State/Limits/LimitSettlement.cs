namespace Gateway.State.Limits;

/// <summary>
/// What a charge changes in a key's current windows: signed token and spend deltas. Shared by
/// the stores so that memory and Redis settle a reservation the same way.
/// </summary>
internal readonly record struct LimitSettlement(long Tokens, decimal SpendUsd)
{
    public bool IsZero => Tokens == 0 && SpendUsd == 0;

    /// <summary>
    /// What <paramref name="reserve"/> holds under <paramref name="limits"/>: tokens only under a
    /// token limit, spend only under a budget, neither negative nor above its limit. A reservation
    /// past the limit blocks the window no more than one of the limit's size, and settling
    /// refunds what it did not use either way, so the cap changes no outcome; it keeps the counters
    /// far from overflow whatever estimate a caller sends.
    /// </summary>
    public static LimitSettlement Reservable(KeyLimits limits, LimitCharge reserve) => new(
        limits.TokensPerMinute is { } tpm ? Math.Clamp(reserve.Tokens, 0, Math.Max(0, tpm)) : 0,
        limits.BudgetUsd is { } budget ? Math.Clamp(reserve.SpendUsd, 0, Math.Max(0, budget)) : 0);

    /// <summary>A plain charge of what a request used, to the current windows.</summary>
    public static LimitSettlement Charge(KeyLimits limits, long tokens, decimal spendUsd) => new(
        limits.TokensPerMinute is null ? 0 : Math.Max(0, tokens),
        limits.BudgetUsd is null ? 0 : Math.Max(0, spendUsd));

    /// <summary>
    /// Settles <paramref name="reservation"/> to the actual use, seen from <paramref name="clock"/>:
    /// (actual − reserved) in a window that is still the reservation's, the actual alone in one that
    /// rolled over (the reservation went with its window).
    /// </summary>
    public static LimitSettlement Settle(KeyLimits limits, LimitClock clock, LimitReservation reservation, long tokens, decimal spendUsd)
    {
        var actual = Charge(limits, tokens, spendUsd);
        return new(
            reservation.Minute == clock.Minute ? actual.Tokens - Math.Max(0, reservation.Tokens) : actual.Tokens,
            clock.IsPeriodOf(reservation) ? actual.SpendUsd - Math.Max(0, reservation.SpendUsd) : actual.SpendUsd);
    }

    /// <summary><paramref name="count"/> + <paramref name="delta"/>, never below zero nor past <see cref="long.MaxValue"/>.</summary>
    public static long Apply(long count, long delta) =>
        delta > 0 && count > long.MaxValue - delta ? long.MaxValue : Math.Max(0, count + delta);
}
