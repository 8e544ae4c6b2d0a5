using Gateway.Inference.Grammar;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

internal enum ToolMode { None, Auto, Required, Named }

/// <summary>A validated chat or completion request, reduced to what generation needs.</summary>
internal sealed record ChatRequest
{
    public IReadOnlyList<(string Role, string Content)> Messages { get; init; } = [];
    public string? Prompt { get; init; }

    /// <summary>Completions: every prompt of the request, each answered as a choice of its own.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = [];
    public bool Stream { get; init; }
    public bool IncludeUsage { get; init; }
    public int? MaxTokens { get; init; }
    public float Temperature { get; init; } = 1f;
    public float TopP { get; init; } = 1f;
    public int TopK { get; init; } = SamplingSettings.DefaultTopK;
    public float MinP { get; init; } = SamplingSettings.DefaultMinP;
    public uint? Seed { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];
    public string? Grammar { get; init; }

    /// <summary>The request field <see cref="Grammar"/> comes from, named when llama.cpp refuses it.</summary>
    public string? GrammarParam { get; init; }
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];
    public ToolMode ToolMode { get; init; }
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }
    public float PresencePenalty { get; init; }
    public float FrequencyPenalty { get; init; }

    /// <summary>Alternatives to report with each token's log probability; null when logprobs were not asked for.</summary>
    public int? Logprobs { get; init; }

    /// <summary>Completions: the answer starts with the prompt (and, with logprobs, lists the prompt's tokens too).</summary>
    public bool Echo { get; init; }
    public string? Model { get; init; }
}
