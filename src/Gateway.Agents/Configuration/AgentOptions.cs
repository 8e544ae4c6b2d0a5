namespace Gateway.Agents.Configuration;

/// <summary>One agent, <c>Gateway:Agents:&lt;name&gt;</c>; callers reach it as <c>model: "agent:&lt;name&gt;"</c>.</summary>
public sealed class AgentOptions
{
    /// <summary>The agent kind: <c>rewoo</c>, <c>umi</c>, <c>react</c>, or one added by another module (see <see cref="Runtime.IAgentKind"/>).</summary>
    public string Kind { get; set; } = "";

    /// <summary>Model per role (<c>planner</c>, <c>solver</c>, <c>caller</c>, <c>summarizer</c>, <c>actor</c>); a missing role uses <see cref="DefaultRole"/>.</summary>
    public Dictionary<string, RoleOptions> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings for any role the agent does not list.</summary>
    public RoleOptions DefaultRole { get; set; } = new();

    /// <summary>Tool names the agent may use; empty means every tool the gateway has.</summary>
    public List<string> Tools { get; set; } = [];

    /// <summary>Bounds of one run of this agent (steps, turns, tokens, timeouts). Default: the <see cref="AgentLimitsOptions"/> defaults.</summary>
    public AgentLimitsOptions Limits { get; set; } = new();

    /// <summary><c>json</c> (default): ask the planner for a plan under a JSON schema (a grammar on local models); <c>text</c>: the <c>#E1 = Tool[input]</c> form.</summary>
    public string PlanFormat { get; set; } = "json";

    /// <summary>Most re-asks of the caller with its own tool call (ToolACE-R self-refinement); 0 turns refinement off.</summary>
    public int RefineRounds { get; set; }

    /// <summary>The prompt templates: <c>compact</c> (default) or <c>paper</c>, and per-role system text overrides.</summary>
    public PromptOptions Prompts { get; set; } = new();

    /// <summary>Free-form settings read by agent kinds that need more than the above.</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
