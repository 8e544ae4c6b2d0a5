using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Runtime;

/// <summary>Everything one run needs: its definition, the conversation, the role models, the tools, the trace and the event sink.</summary>
public sealed class AgentRun
{
    public required string Name { get; init; }

    public required AgentOptions Definition { get; init; }

    /// <summary>The caller's conversation; the last user message is the task.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    public required RoleModels Models { get; init; }

    public required IReadOnlyList<AgentTool> Tools { get; init; }

    public required Kernel Kernel { get; init; }

    public required AgentTraceBuilder Trace { get; init; }

    public IAgentEventSink Events { get; init; } = NullAgentEventSink.Instance;

    /// <summary>The task: the last user message's text.</summary>
    public string Task => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";

    public AgentTool? FindTool(string name) => Tools.FirstOrDefault(t => t.Name == name);

    /// <summary>Runs a tool and records the step in the trace, with start/end events.</summary>
    public async Task<ToolOutcome> CallToolAsync(string id, string tool, string input, Func<AgentTool?, Task<ToolOutcome>> invoke, CancellationToken cancellationToken)
    {
        var started = Trace.ElapsedMilliseconds;
        await Events.EmitAsync(new AgentEvent("tool_call", new() { ["id"] = id, ["tool"] = tool, ["input"] = input }), cancellationToken);
        var outcome = await invoke(FindTool(tool));
        var status = outcome.Status == ToolStatus.UnknownTool ? "unknown_tool" : outcome.Status.ToString().ToLowerInvariant();
        Trace.AddStep(new StepTrace(id, tool, input, outcome.Output, status, started, outcome.Duration.TotalMilliseconds));
        await Events.EmitAsync(new AgentEvent("tool_result", new() { ["id"] = id, ["tool"] = tool, ["status"] = status, ["output"] = outcome.Output }), cancellationToken);
        return outcome;
    }
}
