using Gateway.Agents.Runtime;

namespace Gateway.Host.Agents;

/// <summary>
/// Agent series, <c>gateway_agent_*</c>, recorded from each run's result. Every label value comes from a set the
/// gateway's configuration bounds: a tool name a caller declared or a model made up never becomes a label (it would
/// let any key grow the series without end), so a call of the caller's own tool counts under <c>client</c> and a
/// name the gateway does not run under <c>other</c>.
/// </summary>
internal sealed class AgentMetrics(AgentRunner runner, Metrics.GatewayMetrics metrics)
{
    /// <summary>The <c>tool</c> label of every call of a caller's own tool.</summary>
    public const string ClientToolLabel = "client";

    /// <summary>The label of a tool or agent name the gateway does not know.</summary>
    public const string OtherLabel = "other";

    public void Record(AgentRunResult result)
    {
        var trace = result.Trace;
        // A name that reached a run was resolved against the definitions, but a reload may have removed it since.
        var agent = runner.Find(trace.Agent) is null ? OtherLabel : trace.Agent;
        metrics.AgentRuns.WithLabels(agent, System.Text.Json.JsonSerializer.Serialize(trace.Status).Trim('"')).Inc();
        metrics.AgentRunDuration.WithLabels(agent).Observe(trace.TimingsMilliseconds.GetValueOrDefault("total") / 1000);
        foreach (var step in trace.Steps)
        {
            metrics.AgentToolCalls.WithLabels(ToolLabel(step, result.GatewayTools), step.Status).Inc();
        }

        foreach (var (role, usage) in trace.Roles)
        {
            metrics.AgentTokens.WithLabels(agent, role, "input").Inc(usage.PromptTokens);
            metrics.AgentTokens.WithLabels(agent, role, "output").Inc(usage.CompletionTokens);
        }
    }

    /// <summary>The <c>tool</c> label of a step: its name only when the gateway runs that tool itself.</summary>
    public static string ToolLabel(StepTrace step, IReadOnlySet<string> gatewayTools) =>
        step.Status == AgentRun.ClientStepStatus ? ClientToolLabel
        : gatewayTools.Contains(step.Tool) ? step.Tool
        : OtherLabel;
}
