using System.Text.Json.Serialization;

namespace Gateway.Craft.Creation;

/// <summary>Stages of tool creation, as named in rejects.</summary>
internal static class CreationStage
{
    public const string Solution = "solution";
    public const string Verification = "verification";
    public const string Abstraction = "abstraction";
    public const string Reverification = "reverification";
    public const string Deduplication = "deduplication";
}

/// <summary>A problem whose tool was not kept: at which stage, a short kind, and why.</summary>
public sealed record CreationReject(
    [property: JsonPropertyName("id")] string ProblemId,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("tool")] string? Tool = null);

/// <summary>What <c>toolset create</c> did: how many problems passed each stage, the tools kept, and every reject.</summary>
public sealed record CreationReport
{
    /// <summary>Name of the toolset the kept tools are stored in.</summary>
    [JsonPropertyName("toolset")]
    public required string Toolset { get; init; }

    /// <summary>Solved problems given to the run.</summary>
    [JsonPropertyName("problems")]
    public int Problems { get; init; }

    /// <summary>Problems in the diverse sample tools were made from: at most <see cref="ToolCreationOptions.SampleSize"/>.</summary>
    [JsonPropertyName("sampled")]
    public int Sampled { get; init; }

    /// <summary>Problems for which the model wrote a solution.</summary>
    [JsonPropertyName("generated")]
    public int Generated { get; init; }

    /// <summary>Solutions that ran in the sandbox and returned the right answer.</summary>
    [JsonPropertyName("verified")]
    public int Verified { get; init; }

    /// <summary>Abstracted tools that returned the right answer again on their source problem.</summary>
    [JsonPropertyName("abstracted")]
    public int Abstracted { get; init; }

    /// <summary>Tools left after duplicates were merged.</summary>
    [JsonPropertyName("kept")]
    public int Kept { get; init; }

    /// <summary>Names of the kept tools, in the order they are stored.</summary>
    [JsonPropertyName("tools")]
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>Every sampled problem whose tool was not kept, and every duplicate merged away.</summary>
    [JsonPropertyName("rejects")]
    public IReadOnlyList<CreationReject> Rejects { get; init; } = [];
}
