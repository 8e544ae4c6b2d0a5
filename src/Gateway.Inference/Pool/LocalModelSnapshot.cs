namespace Gateway.Inference.Pool;

/// <summary>Where a local model is in its life.</summary>
public enum LocalModelState
{
    /// <summary>Not running; the next request starts it.</summary>
    Unloaded,
    /// <summary>Its model server is loading.</summary>
    Starting,
    /// <summary>Serving at <see cref="LocalModelSnapshot.BaseUri"/>.</summary>
    Ready,
    /// <summary>It crashed or failed to start; a restart is due at <see cref="LocalModelSnapshot.RetryAt"/>.</summary>
    Failed,
}

/// <summary>An immutable view of one local model, for admin listings and metrics.</summary>
public sealed record LocalModelSnapshot(
    string Name,
    LocalModelState State,
    int? ProcessId,
    int? Port,
    Uri? BaseUri,
    long MemoryBytes,
    DateTimeOffset? LastUsed,
    int Restarts,
    string? LastError,
    DateTimeOffset? RetryAt,
    TimeSpan? LoadTime);

/// <summary>A model's OpenAI base URL changed: it started, restarted on a new port, or stopped (<see cref="BaseUri"/> null).</summary>
public sealed class ModelEndpointChangedEventArgs(string model, Uri? baseUri) : EventArgs
{
    public string Model { get; } = model;
    public Uri? BaseUri { get; } = baseUri;
}
