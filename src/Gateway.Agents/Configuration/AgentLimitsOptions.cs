namespace Gateway.Agents.Configuration;

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
