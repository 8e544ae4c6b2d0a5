using Gateway.Agents.Runtime;
using Prometheus;

namespace Gateway.Host.Agents;

/// <summary>
/// Agent series, <c>gateway_agent_*</c>, recorded from each run's result. Every label value comes from a set the
/// gateway's configuration bounds: a tool name a caller declared or a model made up never becomes a label (it would
/// let any key grow the series without end), so a call of the caller's own tool counts under <c>client</c> and a
/// name the gateway does not run under <c>other</c>.
/// </summary>
internal sealed class AgentMetrics(AgentRunner runner)
{
    /// <summary>The <c>tool</c> label of every call of a caller's own tool.</summary>
    public const string ClientToolLabel = "client";

    /// <summary>The label of a tool or agent name the gateway does not know.</summary>
    public const string OtherLabel = "other";

    private static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter _runs = Prometheus.Metrics.CreateCounter(
        "gateway_agent_runs_total", "Agent runs by agent and outcome (completed, gave_up, limit_reached, failed, awaiting_client: paused for the caller's tools).",
        new CounterConfiguration { LabelNames = ["agent", "status"] });

    private readonly Histogram _duration = Prometheus.Metrics.CreateHistogram(
        "gateway_agent_run_duration_seconds", "Time of a whole agent run.",
        new HistogramConfiguration { LabelNames = ["agent"], Buckets = DurationBuckets });

    private readonly Counter _toolCalls = Prometheus.Metrics.CreateCounter(
        "gateway_agent_tool_calls_total",
        "Tool calls made by agents, by tool (the gateway's own tools by name; client: the caller's tools; other: a name the gateway does not run) "
        + "and outcome (ok, error, timeout, unknown_tool, client: handed to the caller to run).",
        new CounterConfiguration { LabelNames = ["tool", "status"] });

    private readonly Counter _tokens = Prometheus.Metrics.CreateCounter(
        "gateway_agent_tokens_total", "Tokens spent by agent roles, by agent, role and direction (input, output).",
        new CounterConfiguration { LabelNames = ["agent", "role", "direction"] });

    public void Record(AgentRunResult result)
    {
        var trace = result.Trace;
        // A name that reached a run was resolved against the definitions, but a reload may have removed it since.
        var agent = runner.Find(trace.Agent) is null ? OtherLabel : trace.Agent;
        _runs.WithLabels(agent, System.Text.Json.JsonSerializer.Serialize(trace.Status).Trim('"')).Inc();
        _duration.WithLabels(agent).Observe(trace.TimingsMilliseconds.GetValueOrDefault("total") / 1000);
        foreach (var step in trace.Steps)
        {
            _toolCalls.WithLabels(ToolLabel(step, result.GatewayTools), step.Status).Inc();
        }

        foreach (var (role, usage) in trace.Roles)
        {
            _tokens.WithLabels(agent, role, "input").Inc(usage.PromptTokens);
            _tokens.WithLabels(agent, role, "output").Inc(usage.CompletionTokens);
        }
    }

    /// <summary>The <c>tool</c> label of a step: its name only when the gateway runs that tool itself.</summary>
    public static string ToolLabel(StepTrace step, IReadOnlySet<string> gatewayTools) =>
        step.Status == AgentRun.ClientStepStatus ? ClientToolLabel
        : gatewayTools.Contains(step.Tool) ? step.Tool
        : OtherLabel;
}
