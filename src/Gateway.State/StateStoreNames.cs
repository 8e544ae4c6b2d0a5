namespace Gateway.State;

/// <summary>Store and policy names passed to <see cref="IStateStoreEvents"/>, stable for metric labels.</summary>
public static class StateStoreNames
{
    /// <summary>The per-key request, token and budget limit store.</summary>
    public const string Limits = "limits";

    /// <summary>The exact-match response cache.</summary>
    public const string Cache = "cache";

    /// <summary>The store of keys managed through the admin API.</summary>
    public const string Keys = "keys";

    /// <summary>The routing feedback store.</summary>
    public const string Feedback = "feedback";

    /// <summary>The failed store was bypassed: the request was allowed, the cache missed, or the write dropped.</summary>
    public const string FailOpen = "fail_open";

    /// <summary>The failed store's operation was refused (the request gets 503).</summary>
    public const string FailClosed = "fail_closed";
}

/// <summary>The default <see cref="IStateStoreEvents"/>: nothing listens.</summary>
internal sealed class NullStateStoreEvents : IStateStoreEvents
{
    public void OnStoreError(string store, string policy)
    {
    }
}
