using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Runtime;

/// <summary>Everything one run needs: its definition, the conversation, the role models, the tools, the trace and the event sink.</summary>
public sealed class AgentRun
{
    /// <summary>The trace status of a step the caller runs.</summary>
    public const string ClientStepStatus = "client";

    /// <summary>The agent's name, without the <c>agent:</c> prefix.</summary>
    public required string Name { get; init; }

    /// <summary>The agent's definition, from the snapshot the run started with (a reload mid-run does not change it).</summary>
    public required AgentOptions Definition { get; init; }

    /// <summary>The caller's conversation; the last user message is the task.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The model of each role, with the role's settings, the run's token budget and usage accounting applied.</summary>
    public required RoleModels Models { get; init; }

    /// <summary>The agent's own tools, which the gateway runs.</summary>
    public required IReadOnlyList<AgentTool> Tools { get; init; }

    /// <summary>The caller's own tools (none unless the kind <see cref="IAgentKind.SupportsClientTools"/>); the caller runs them.</summary>
    public IReadOnlyList<ClientTool> ClientTools { get; init; } = [];

    /// <summary>False when the caller asked for at most one tool call per answer (<c>parallel_tool_calls: false</c>).</summary>
    public bool ParallelClientCalls { get; init; } = true;

    /// <summary>Every tool the run may choose: its own, then the caller's.</summary>
    public IReadOnlyList<IToolDescription> Offered => [.. Tools, .. ClientTools];

    /// <summary>
    /// Every tool the run may choose, as declarations for OpenAI tool calling; in the compact prompt style without
    /// descriptions (names, parameter names, types and which are required), so small models read short tool lists.
    /// </summary>
    public IReadOnlyList<AITool> Declarations => Definition.Prompts.IsCompact
        ? [.. Offered.Select(PromptText.CompactDeclaration)]
        : [.. Offered.Select(t => t.Declaration)];

    /// <summary>The Semantic Kernel the agent's tools are invoked with; it carries no model (see <see cref="KernelFor"/> for one that does).</summary>
    public required Kernel Kernel { get; init; }

    /// <summary>Where the run records its plan, steps, turns, usage and timings; safe to use from parallel steps.</summary>
    public required AgentTraceBuilder Trace { get; init; }

    /// <summary>Where the run's events go as they happen; a sink that drops them unless the caller streams.</summary>
    public IAgentEventSink Events { get; init; } = NullAgentEventSink.Instance;

    /// <summary>The task: the last user message's text.</summary>
    public string Task => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";

    /// <summary>The agent's own tool named <paramref name="name"/> (case-sensitive), or null.</summary>
    public AgentTool? FindTool(string name) => Tools.FirstOrDefault(t => t.Name == name);

    /// <summary>The caller's tool named <paramref name="name"/>, or null (also when the agent has its own tool of that name).</summary>
    public ClientTool? FindClientTool(string name) => FindTool(name) is null ? ClientTools.FirstOrDefault(t => t.Name == name) : null;

    /// <summary>A suffix that makes the run's client <c>tool_call</c> ids unique within a conversation.</summary>
    public string CallSuffix => Trace.Id.StartsWith("run_", StringComparison.Ordinal) && Trace.Id.Length >= 12 ? Trace.Id[4..12] : Trace.Id;

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

    /// <summary>
    /// Hands a call of the caller's tool <paramref name="tool"/> to the caller: records a <c>client</c> step (no output:
    /// the caller runs it) and a <c>client_tool_call</c> event. The kind then ends the run with
    /// <see cref="AgentOutcome.AwaitingClient"/> and the calls this returned.
    /// </summary>
    public async Task<ClientToolCall> RequestClientCallAsync(string step, string callId, string tool, string input, string arguments, CancellationToken cancellationToken)
    {
        Trace.AddStep(new StepTrace(step, tool, input, "", ClientStepStatus, Trace.ElapsedMilliseconds, 0));
        await Events.EmitAsync(new AgentEvent("client_tool_call", new() { ["id"] = callId, ["step"] = step, ["tool"] = tool, ["arguments"] = arguments }), cancellationToken);
        return new ClientToolCall(callId, tool, arguments, step);
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
