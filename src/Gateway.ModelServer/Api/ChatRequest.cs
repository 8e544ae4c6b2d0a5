using Gateway.Inference.Grammar;
using Gateway.Inference.Templates;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

internal enum ToolMode { None, Auto, Required, Named }

/// <summary>A validated chat or completion request, reduced to what generation needs.</summary>
internal sealed record ChatRequest
{
    /// <summary>Role and content pairs, assistant tool calls written as <c>&lt;tool_call&gt;</c> text (for llama.cpp's built-in templates).</summary>
    public IReadOnlyList<(string Role, string Content)> Messages { get; init; } = [];

    /// <summary>The messages as a Jinja chat template reads them (<see cref="ChatTemplateInput.Messages"/>).</summary>
    public JArray TemplateMessages { get; init; } = [];

    /// <summary>The offered tools in the request's own JSON shape, for templates that write them; null when none.</summary>
    public JArray? TemplateTools { get; init; }

    /// <summary>The request's <c>chat_template_kwargs</c> (for instance <c>enable_thinking</c>), as llama-server takes them.</summary>
    public IReadOnlyDictionary<string, object?> TemplateArguments { get; init; } = new Dictionary<string, object?>();
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
