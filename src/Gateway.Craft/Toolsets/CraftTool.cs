using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Craft.Toolsets;

/// <summary>
/// One tool of a toolset: a JavaScript function <c>function Name(args)</c> taking one object of named arguments and
/// returning JSON, with the docstring retrieval reads, an example call that verifies it, and the problem it came from.
/// Stored as <c>config/toolsets/&lt;toolset&gt;/&lt;Name&gt;.json</c>.
/// </summary>
public sealed record CraftTool
{
    /// <summary>The function's name: a JavaScript identifier, also its Semantic Kernel function name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>What the tool does, its arguments and what it returns.</summary>
    [JsonPropertyName("docstring")]
    public required string Docstring { get; init; }

    /// <summary>JSON Schema of the arguments object (<c>{"type":"object","properties":{...}}</c>); null when unknown.</summary>
    [JsonPropertyName("parameters")]
    public JsonObject? Parameters { get; init; }

    /// <summary>JavaScript that defines <c>function Name(args)</c>.</summary>
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    /// <summary>A call that verifies the tool: these arguments must give this result.</summary>
    [JsonPropertyName("example")]
    public required ToolExample Example { get; init; }

    /// <summary>The solved problem the tool was made from.</summary>
    [JsonPropertyName("source_problem")]
    public string SourceProblem { get; init; } = "";

    /// <summary>Id of the source problem in the creation data, when it had one.</summary>
    [JsonPropertyName("source_id")]
    public string? SourceId { get; init; }
}

/// <summary>An example call of a tool and the result it must return.</summary>
public sealed record ToolExample
{
    /// <summary>The arguments object the tool's function is called with.</summary>
    [JsonPropertyName("arguments")]
    public required JsonObject Arguments { get; init; }

    /// <summary>The value the call must return; null when it must return JSON <c>null</c>.</summary>
    [JsonPropertyName("result")]
    public JsonNode? Result { get; init; }
}
