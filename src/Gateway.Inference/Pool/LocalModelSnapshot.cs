using System.Text.Json.Serialization;

namespace Gateway.Inference.Pool;

/// <summary>Where a local model is in its life (serialized as <c>unloaded</c>, <c>starting</c>, <c>ready</c>, <c>failed</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LocalModelState>))]
public enum LocalModelState
{
    /// <summary>Not running; the next request starts it.</summary>
    [JsonStringEnumMemberName("unloaded")]
    Unloaded,
    /// <summary>Its model server is loading.</summary>
    [JsonStringEnumMemberName("starting")]
    Starting,
    /// <summary>Serving at <see cref="LocalModelSnapshot.BaseUri"/>.</summary>
    [JsonStringEnumMemberName("ready")]
    Ready,
    /// <summary>It crashed or failed to start; a restart is due at <see cref="LocalModelSnapshot.RetryAt"/>.</summary>
    [JsonStringEnumMemberName("failed")]
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
    TimeSpan? LoadTime,
    int InFlight = 0);

/// <summary>A model's OpenAI base URL changed: it started, restarted on a new port, or stopped (<see cref="BaseUri"/> null).</summary>
public sealed class ModelEndpointChangedEventArgs(string model, Uri? baseUri) : EventArgs
{
    /// <summary>The local model's name, as in the catalog.</summary>
    public string Model { get; } = model;

    /// <summary>The model's new OpenAI base URL, or null when it stopped and no longer serves.</summary>
    public Uri? BaseUri { get; } = baseUri;
}
