namespace Gateway.State;

/// <summary>Limits attached to a virtual key; a null limit is unlimited.</summary>
/// <param name="RequestsPerMinute">Requests allowed per calendar minute.</param>
/// <param name="TokensPerMinute">Prompt + completion tokens allowed per calendar minute, reserved at admission and settled to usage.</param>
/// <param name="BudgetUsd">Spend allowed per <paramref name="BudgetPeriod"/>, from catalog prices, reserved at admission and settled to usage.</param>
/// <param name="BudgetPeriod">Length of a budget period (periods are aligned to the Unix epoch). Default one day.</param>
public sealed record KeyLimits(int? RequestsPerMinute = null, long? TokensPerMinute = null, decimal? BudgetUsd = null, TimeSpan? BudgetPeriod = null)
{
    /// <summary>No limit of any kind: what a key configured without limits is checked against.</summary>
    public static readonly KeyLimits None = new();

    /// <summary>
    /// True when no request, token or budget limit is set, so the limit store admits the request without counting it
    /// (<see cref="BudgetPeriod"/> alone limits nothing).
    /// </summary>
    public bool IsUnlimited => RequestsPerMinute is null && TokensPerMinute is null && BudgetUsd is null;

    /// <summary>The budget period in effect: <see cref="BudgetPeriod"/>, or one day when it is null.</summary>
    public TimeSpan Period => BudgetPeriod ?? TimeSpan.FromDays(1);
}

/// <summary>Which limit a decision is about.</summary>
public enum LimitKind
{
    /// <summary>Requests per minute.</summary>
    Requests,

    /// <summary>Tokens per minute.</summary>
    Tokens,

    /// <summary>Spend per budget period.</summary>
    Budget,
}

/// <summary>The state of one limit after a check, for <c>x-ratelimit-*</c> headers.</summary>
public readonly record struct LimitState(LimitKind Kind, decimal Limit, decimal Remaining, TimeSpan ResetIn);

/// <summary>
/// The outcome of <see cref="ILimitStore.AcquireAsync"/>: allowed (counted, with its reservation), or rejected by
/// <see cref="Rejected"/> with a retry delay. <see cref="States"/> holds every configured limit.
/// A rejection with no <see cref="Rejected"/> limit means the store could not decide and its
/// policy is to fail closed; <see cref="Reason"/> says why (answer 503, not 429).
/// </summary>
public sealed record LimitDecision(bool Allowed, LimitKind? Rejected, TimeSpan RetryAfter, IReadOnlyList<LimitState> States, string? Reason = null)
{
    /// <summary>The decision for a key without limits: allowed, with no states and no reservation to settle.</summary>
    public static readonly LimitDecision Unlimited = new(true, null, TimeSpan.Zero, []);

    /// <summary>
    /// What an admitted request holds until it settles (<see cref="ILimitStore.SettleAsync"/>); null
    /// when it was rejected or its key is unlimited.
    /// </summary>
    public LimitReservation? Reservation { get; init; }

    /// <summary>A refusal because the limit store is unreachable and configured to fail closed.</summary>
    public static LimitDecision Unavailable(string reason, TimeSpan retryAfter) => new(false, null, retryAfter, [], reason);
}
