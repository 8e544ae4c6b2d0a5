using System.Text.Json.Serialization;

namespace Gateway.Craft.Worker;

/// <summary>The limits every run in one worker gets; the gateway sends them once, in the first frame (every one is required).</summary>
internal sealed record WorkerLimits
{
    public required TimeSpan Timeout { get; init; }

    public required long MemoryLimitBytes { get; init; }

    public required int MaxStatements { get; init; }

    public required int MaxRecursionDepth { get; init; }

    public required int MaxArrayLength { get; init; }

    public required int MaxStringLength { get; init; }

    public required TimeSpan RegexTimeout { get; init; }

    public required int MaxOutputChars { get; init; }

    public required int MaxJsonDepth { get; init; }
}

/// <summary>One run: the whole script (tool code and the runner that calls it) and, for a tool, its JSON arguments.</summary>
internal sealed record WorkerRequest(long Id, string Script, string? Input);

/// <summary>
/// The answer to one request: <see cref="Json"/> on success, else <see cref="Error"/> (a
/// <c>SandboxErrorKind</c> name) and <see cref="Message"/>. <see cref="Recycle"/> asks the gateway to replace
/// this worker, e.g. after the heap ran out, when the runtime's state is no longer trusted.
/// </summary>
internal sealed record WorkerReply(long Id, string? Json, string? Error, string? Message, bool Recycle = false);

[JsonSerializable(typeof(WorkerLimits))]
[JsonSerializable(typeof(WorkerRequest))]
[JsonSerializable(typeof(WorkerReply))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class WorkerJsonContext : JsonSerializerContext;
