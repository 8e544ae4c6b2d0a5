namespace Gateway.State;

/// <summary>
/// Per-key request, token and spend limits. Implementations must be atomic across gateway
/// replicas that share the store (two replicas enforce one limit, not two).
/// </summary>
/// <remarks>
/// <para>
/// Tokens and spend are only known once a request ends, so a request reserves what it is expected
/// to use when it is admitted (<see cref="AcquireAsync"/>) and settles to what it really used when
/// it ends (<see cref="SettleAsync"/>). Admission compares every set limit with its current usage,
/// outstanding reservations included, and admits while that usage is below the limit; the
/// reservation is added in the same atomic step as the request count. Concurrent requests can
/// therefore overshoot a limit by at most one request's reservation (the last one admitted), and
/// once settled by the difference between that reservation and its real use.
/// </para>
/// <para>
/// The <c>key</c> is whatever string the host identifies a key's counters by; stores treat it as
/// opaque.
/// </para>
/// </remarks>
public interface ILimitStore
{
    /// <summary>
    /// Checks every configured limit of <paramref name="key"/>; when all allow it, counts one
    /// request and reserves <paramref name="reserve"/> (its tokens only when a token limit is set,
    /// its spend only when a budget is set), atomically with the check.
    /// </summary>
    /// <returns>
    /// The decision, with <see cref="LimitDecision.States"/> counting the new reservation and
    /// <see cref="LimitDecision.Reservation"/> set when the request was admitted under limits (null
    /// when rejected or when <paramref name="limits"/> is unlimited). Settle it once the request ends.
    /// </returns>
    ValueTask<LimitDecision> AcquireAsync(string key, KeyLimits limits, LimitCharge reserve, CancellationToken cancellationToken);

    /// <summary>
    /// Settles <paramref name="reservation"/> to what the request really used: 0 for a request that
    /// failed before any token, which refunds the whole reservation.
    /// </summary>
    /// <remarks>
    /// (actual − reserved) is applied to each window the reservation was made in while that window is
    /// still current. When it has rolled over since (a long request across a minute boundary, a
    /// budget period that ended, a budget period whose length changed) the reservation went with its
    /// window, so the actual amount is charged to the current window instead and nothing to the old.
    /// Actual tokens count only while a token limit is set, actual spend only while a budget is set.
    /// Counters never go below zero. A reservation made by another store is charged as
    /// <see cref="RecordUsageAsync"/> would.
    /// </remarks>
    ValueTask SettleAsync(string key, KeyLimits limits, LimitReservation reservation, long tokens, decimal spendUsd, CancellationToken cancellationToken);

    /// <summary>Adds a finished request's tokens and spend, with no reservation, to the key's current windows.</summary>
    ValueTask RecordUsageAsync(string key, KeyLimits limits, long tokens, decimal spendUsd, CancellationToken cancellationToken);

    /// <summary>Current usage of every configured limit, outstanding reservations included, without counting anything.</summary>
    ValueTask<IReadOnlyList<LimitState>> PeekAsync(string key, KeyLimits limits, CancellationToken cancellationToken);
}
