namespace Gateway.State;

/// <summary>
/// Hook for the host's metrics: called each time a shared state store fails (for example Redis is
/// unreachable) and its failure policy is applied instead of an answer from the store.
/// </summary>
public interface IStateStoreEvents
{
    /// <param name="store">Which store failed: <c>limits</c>, <c>cache</c>, <c>keys</c> or <c>feedback</c>.</param>
    /// <param name="policy">The policy applied: <c>fail_open</c> or <c>fail_closed</c>.</param>
    void OnStoreError(string store, string policy);
}

/// <summary>
/// A store that cannot answer and whose policy is to refuse rather than guess. Raised only where
/// the method's result cannot carry the refusal itself (limits answer with
/// <see cref="LimitDecision.Unavailable"/> instead), and by admin operations that must not pretend
/// to succeed. Hosts answer it with 503.
/// </summary>
public sealed class StateStoreUnavailableException : Exception
{
    /// <summary>Creates the exception for the named store, with a standard message and the failure that caused it.</summary>
    /// <param name="store">Which store failed: <c>limits</c>, <c>cache</c>, <c>keys</c> or <c>feedback</c>.</param>
    /// <param name="innerException">The store's own failure (for example a Redis connection error), or null.</param>
    public StateStoreUnavailableException(string store, Exception? innerException = null)
        : base($"The {store} store is unavailable.", innerException)
    {
        Store = store;
    }

    /// <summary>Creates the exception for an unnamed store (<see cref="Store"/> is <c>state</c>).</summary>
    public StateStoreUnavailableException()
        : this("state")
    {
    }

    /// <summary>Creates the exception with a specific message for the named store.</summary>
    /// <param name="message">What could not be done, shown to the caller of the admin operation.</param>
    /// <param name="store">Which store failed: <c>limits</c>, <c>cache</c>, <c>keys</c> or <c>feedback</c>.</param>
    public StateStoreUnavailableException(string message, string store)
        : base(message)
    {
        Store = store;
    }

    /// <summary>Which store failed: <c>limits</c>, <c>cache</c>, <c>keys</c> or <c>feedback</c>.</summary>
    public string Store { get; }
}
