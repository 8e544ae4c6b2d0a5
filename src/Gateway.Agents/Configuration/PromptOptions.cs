namespace Gateway.Agents.Configuration;

/// <summary>The prompt templates of one agent, <c>Gateway:Agents:&lt;name&gt;:Prompts</c>.</summary>
public sealed class PromptOptions
{
    /// <summary>The short templates small models are trained on: a fixed line or two, one line per tool, no examples.</summary>
    public const string Compact = "compact";

    /// <summary>The papers' long templates, with instructions and a worked example.</summary>
    public const string Paper = "paper";

    /// <summary>
    /// <c>compact</c> (default): a short fixed system text per role, one <c>name(arg, …)</c> line per tool, no examples,
    /// tool calls and results as short plain text; sized for small character-level models. <c>paper</c>: the long
    /// paper-style templates, for large general models.
    /// </summary>
    public string Style { get; set; } = Compact;

    /// <summary>
    /// Replaces a role's fixed system text (by role name: <c>planner</c>, <c>solver</c>, <c>caller</c>,
    /// <c>summarizer</c>, <c>actor</c>). <c>{tools}</c> in the text becomes the tool list in the style's line form.
    /// At most 8000 characters each. Default: none (each style's own text).
    /// </summary>
    public Dictionary<string, string> System { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True for the compact style.</summary>
    public bool IsCompact => !string.Equals(Style, Paper, StringComparison.OrdinalIgnoreCase);
}
