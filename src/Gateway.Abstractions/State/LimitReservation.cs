namespace Gateway.State;

/// <summary>What a request is expected to use, reserved at admission (see <see cref="ILimitStore.AcquireAsync"/>).</summary>
/// <param name="Tokens">Tokens to reserve against a tokens-per-minute limit; negative counts as 0.</param>
/// <param name="SpendUsd">USD to reserve against a budget; negative counts as 0.</param>
public readonly record struct LimitCharge(long Tokens, decimal SpendUsd)
{
    /// <summary>Reserves nothing: tokens and spend are counted only when the request settles.</summary>
    public static readonly LimitCharge None;
}

/// <summary>
/// A reservation held by an admitted request: the windows it was made in and what it reserved in
/// them. Pass it back to <see cref="ILimitStore.SettleAsync"/> once the request ends.
/// </summary>
/// <param name="Minute">The calendar minute (minutes since the Unix epoch) the tokens were reserved in.</param>
/// <param name="BudgetPeriod">The budget period (periods of <paramref name="BudgetPeriodLength"/> since the Unix epoch) the spend was reserved in.</param>
/// <param name="BudgetPeriodLength">The budget period's length when the reservation was made.</param>
/// <param name="Tokens">Tokens reserved: 0 when the key had no token limit.</param>
/// <param name="SpendUsd">USD reserved: 0 when the key had no budget.</param>
public sealed record LimitReservation(long Minute, long BudgetPeriod, TimeSpan BudgetPeriodLength, long Tokens, decimal SpendUsd)
{
    /// <summary>
    /// The store that holds the reservation, set by that store: a Redis store's in-memory fallback
    /// holds the reservations it made while Redis was away. Callers pass it through unchanged.
    /// </summary>
    public ILimitStore? Store { get; init; }
}

/// <summary>Conveniences over <see cref="ILimitStore"/>.</summary>
public static class LimitStoreExtensions
{
    /// <summary>Admits a request reserving nothing (<see cref="LimitCharge.None"/>).</summary>
    public static ValueTask<LimitDecision> AcquireAsync(this ILimitStore store, string key, KeyLimits limits, CancellationToken cancellationToken) =>
        store.AcquireAsync(key, limits, LimitCharge.None, cancellationToken);
}
