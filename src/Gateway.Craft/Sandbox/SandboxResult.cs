using System.Text.Json.Nodes;

namespace Gateway.Craft.Sandbox;

/// <summary>The outcome of one sandbox run: the returned JSON, or a typed error.</summary>
public sealed record SandboxResult
{
    private SandboxResult(string? json, SandboxErrorKind? error, string? message)
    {
        Json = json;
        Error = error;
        Message = message;
    }

    /// <summary>The script's return value as JSON text; null when the run failed.</summary>
    public string? Json { get; }

    /// <summary>Why the run failed; null when it succeeded.</summary>
    public SandboxErrorKind? Error { get; }

    /// <summary>A message for people and models, e.g. the script's exception.</summary>
    public string? Message { get; }

    /// <summary>True when the run returned a value (<see cref="Json"/> is set).</summary>
    public bool Succeeded => Error is null;

    /// <summary>The returned value parsed; null for a failed run or a JSON <c>null</c>.</summary>
    public JsonNode? Value => Json is null ? null : JsonNode.Parse(Json);

    /// <summary>A run that returned <paramref name="json"/>.</summary>
    public static SandboxResult Success(string json) => new(json, null, null);

    /// <summary>A run that failed for <paramref name="error"/>, with a message fit to show the model that wrote the code.</summary>
    public static SandboxResult Failure(SandboxErrorKind error, string message) => new(null, error, message);

    /// <summary>Returns the JSON, or throws <see cref="SandboxException"/> for a failed run.</summary>
    public string EnsureSuccess() => Json ?? throw new SandboxException(Error!.Value, Message!);

    /// <summary>The JSON of a successful run, or <c>Kind: message</c> of a failed one, for logs and traces.</summary>
    public override string ToString() => Succeeded ? Json! : $"{Error}: {Message}";
}

/// <summary>A tool run in the sandbox failed; <see cref="Kind"/> says why.</summary>
internal sealed class SandboxException : Exception
{
    public SandboxException(SandboxErrorKind kind, string message)
        : base($"Tool error ({kind}): {message}")
    {
        Kind = kind;
    }

    public SandboxException()
    {
    }

    public SandboxException(string message)
        : base(message)
    {
    }

    public SandboxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SandboxErrorKind Kind { get; } = SandboxErrorKind.ScriptError;
}
