namespace Gateway.State;

/// <summary>
/// Per-key request, token and spend limits. Implementations must be atomic across gateway
/// replicas that share the store (two replicas enforce one limit, not two).
/// </summary>
public interface ILimitStore
{
    /// <summary>
    /// Checks every configured limit of <paramref name="key"/> and, when all allow it, counts one
    /// request. Tokens and spend are checked against what was recorded so far.
    /// </summary>
    ValueTask<LimitDecision> AcquireAsync(string key, KeyLimits limits, CancellationToken cancellationToken);

    /// <summary>Adds a finished request's tokens and spend to the key's current windows.</summary>
    ValueTask RecordUsageAsync(string key, KeyLimits limits, long tokens, decimal spendUsd, CancellationToken cancellationToken);

    /// <summary>Current usage of every configured limit, without counting anything.</summary>
    ValueTask<IReadOnlyList<LimitState>> PeekAsync(string key, KeyLimits limits, CancellationToken cancellationToken);
}
