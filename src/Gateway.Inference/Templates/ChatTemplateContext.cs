namespace Gateway.Inference.Templates;

/// <summary>
/// What a chat template is rendered with, as llama-server passes it: the messages (assistant <c>tool_calls</c> with
/// arguments as objects, <c>tool</c> results with <c>tool_call_id</c> and <c>name</c>), the tools offered (absent
/// when none, so <c>tools is defined</c> reads as templates expect), the special tokens and the generation flag.
/// Values are template values: build them with <see cref="ChatTemplateInput"/> or <see cref="TemplateValue.FromJson"/>.
/// </summary>
internal sealed record ChatTemplateContext
{
    public required JArray Messages { get; init; }

    /// <summary>The tools in OpenAI's shape (<c>{"type":"function","function":{…}}</c>); null leaves <c>tools</c> undefined.</summary>
    public JArray? Tools { get; init; }

    public bool AddGenerationPrompt { get; init; } = true;

    public string BosToken { get; init; } = "";

    public string EosToken { get; init; } = "";

    /// <summary>Further variables (for instance <c>enable_thinking</c>), set after the standard ones.</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = new Dictionary<string, object?>();

    /// <summary>The moment <c>strftime_now</c> reports; null means the renderer's clock.</summary>
    public DateTimeOffset? Now { get; init; }
}
