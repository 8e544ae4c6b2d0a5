using Gateway.Agents.Runtime;
using Prometheus;

namespace Gateway.Host.Agents;

/// <summary>Agent series, <c>gateway_agent_*</c>, recorded from each run's trace.</summary>
internal sealed class AgentMetrics
{
    private static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter _runs = Prometheus.Metrics.CreateCounter(
        "gateway_agent_runs_total", "Agent runs by agent and outcome (completed, gave_up, limit_reached, failed, awaiting_client: paused for the caller's tools).",
        new CounterConfiguration { LabelNames = ["agent", "status"] });

    private readonly Histogram _duration = Prometheus.Metrics.CreateHistogram(
        "gateway_agent_run_duration_seconds", "Time of a whole agent run.",
        new HistogramConfiguration { LabelNames = ["agent"], Buckets = DurationBuckets });

    private readonly Counter _toolCalls = Prometheus.Metrics.CreateCounter(
        "gateway_agent_tool_calls_total", "Tool calls made by agents, by tool and outcome (ok, error, timeout, unknown_tool, client: handed to the caller to run).",
        new CounterConfiguration { LabelNames = ["tool", "status"] });

    private readonly Counter _tokens = Prometheus.Metrics.CreateCounter(
        "gateway_agent_tokens_total", "Tokens spent by agent roles, by agent, role and direction (input, output).",
        new CounterConfiguration { LabelNames = ["agent", "role", "direction"] });

    public void Record(AgentTrace trace)
    {
        _runs.WithLabels(trace.Agent, System.Text.Json.JsonSerializer.Serialize(trace.Status).Trim('"')).Inc();
        _duration.WithLabels(trace.Agent).Observe(trace.TimingsMilliseconds.GetValueOrDefault("total") / 1000);
        foreach (var step in trace.Steps)
        {
            _toolCalls.WithLabels(step.Tool, step.Status).Inc();
        }

        foreach (var (role, usage) in trace.Roles)
        {
            _tokens.WithLabels(trace.Agent, role, "input").Inc(usage.PromptTokens);
            _tokens.WithLabels(trace.Agent, role, "output").Inc(usage.CompletionTokens);
        }
    }
}
