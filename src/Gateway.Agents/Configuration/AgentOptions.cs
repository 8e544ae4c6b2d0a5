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

    /// <summary>Free-form settings read by agent kinds that need more than the above.</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>How one role calls a model: through the gateway's router, with its own constraints.</summary>
public sealed class RoleOptions
{
    /// <summary>A catalog model, <c>auto</c> or <c>auto:&lt;profile&gt;</c> (the router picks under that profile's constraints).</summary>
    public string Model { get; set; } = "auto";

    /// <summary>Most completion tokens of one model call in this role, unless the call sets its own; 1 to 1,000,000. Default 512.</summary>
    public int MaxTokens { get; set; } = 512;

    /// <summary>Sampling temperature of this role's calls, unless the call sets its own; null (the default) leaves the model's.</summary>
    public float? Temperature { get; set; }

    /// <summary>Sampling seed, for reproducible runs on models that honour it.</summary>
    public long? Seed { get; set; }
}

/// <summary>Bounds of one run.</summary>
public sealed class AgentLimitsOptions
{
    /// <summary>Most tool steps in a ReWOO plan.</summary>
    public int MaxSteps { get; set; } = 8;

    /// <summary>Most planner/caller turns (umi) or model turns (react).</summary>
    public int MaxIterations { get; set; } = 6;

    /// <summary>Longest one tool call may take; a slower call becomes evidence saying it timed out.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Most prompt plus completion tokens over every model call of one run; 0 means no limit.</summary>
    public long MaxTotalTokens { get; set; } = 32_000;

    /// <summary>ReWOO: how often a plan that does not parse is sent back to the planner with the reason before the run fails.</summary>
    public int PlanRetries { get; set; } = 1;

    /// <summary>Most tool calls running at once within a run.</summary>
    public int MaxParallelTools { get; set; } = 4;

    /// <summary>Longest a whole run may take.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
