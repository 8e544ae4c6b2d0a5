using System.Collections.Concurrent;
using Gateway.State;

namespace Gateway.TestUtilities;

/// <summary>Keeps every state store failure reported to it, for assertions.</summary>
public sealed class RecordingStateStoreEvents : IStateStoreEvents
{
    public ConcurrentQueue<(string Store, string Policy)> Errors { get; } = new();

    public void OnStoreError(string store, string policy) => Errors.Enqueue((store, policy));

    public int Count(string store, string policy) => Errors.Count(e => e.Store == store && e.Policy == policy);
}
