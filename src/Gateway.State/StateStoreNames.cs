namespace Gateway.State;

/// <summary>Store and policy names passed to <see cref="IStateStoreEvents"/>, stable for metric labels.</summary>
public static class StateStoreNames
{
    public const string Limits = "limits";
    public const string Cache = "cache";
    public const string Keys = "keys";
    public const string Feedback = "feedback";

    public const string FailOpen = "fail_open";
    public const string FailClosed = "fail_closed";
}

/// <summary>The default <see cref="IStateStoreEvents"/>: nothing listens.</summary>
internal sealed class NullStateStoreEvents : IStateStoreEvents
{
    public void OnStoreError(string store, string policy)
    {
    }
}
