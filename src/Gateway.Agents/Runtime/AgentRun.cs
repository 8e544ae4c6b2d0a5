using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// The final answer from <paramref name="role"/>: streamed to the caller piece by piece when the
    /// event sink takes answers (<see cref="IAgentAnswerSink"/>), one call otherwise; returns the whole text.
    /// </summary>
    public async Task<string> AnswerAsync(string role, IList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        if (Events is not IAgentAnswerSink sink)
        {
            return (await Models.CompleteAsync(role, messages, null, cancellationToken)).Text;
        }

        var answer = new System.Text.StringBuilder();
        await foreach (var update in Models.For(role).GetStreamingResponseAsync(messages, new ChatOptions(), cancellationToken))
        {
            var text = update.Text;
            if (!string.IsNullOrEmpty(text))
            {
                answer.Append(text);
                await sink.AnswerDeltaAsync(text, cancellationToken);
            }
        }

        return answer.ToString();
    }

    /// <summary>
    /// A Semantic Kernel for <paramref name="role"/>: the role's model as <see cref="IChatClient"/> and
    /// <see cref="Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService"/> (settings, budget and
    /// usage accounting included) and the run's tools as the <c>tools</c> plugin, so Semantic Kernel
    /// agents and prompts run on the gateway's router unchanged.
    /// </summary>
    public Kernel KernelFor(string role)
    {
        var client = Models.For(role);
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton(Microsoft.SemanticKernel.ChatCompletion.ChatClientExtensions.AsChatCompletionService(client));
        if (Tools.Count > 0)
        {
            builder.Plugins.AddFromFunctions("tools", Tools.Select(t => t.Function));
        }

        return builder.Build();
    }

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
