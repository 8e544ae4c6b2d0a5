using System.Text;
using Gateway.Agents.Runtime;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.ReAct;

/// <summary>
/// ReAct (Yao et al., 2023) over OpenAI tool calling: one model thinks, calls tools and reads each
/// observation in a growing conversation until it answers without a tool call or the iteration cap
/// is reached (then it is asked to answer with what it has). The baseline ReWOO is measured against.
/// The caller's own tools are offered next to the agent's: a turn that calls one pauses the run, and the
/// caller's conversation, with its tool calls and results, is the conversation the model continues.
/// Role: <c>actor</c>.
/// </summary>
public sealed class ReActAgent : IAgentKind
{
    /// <summary>The role whose model thinks, calls tools and answers; configured under <c>Roles:actor</c>.</summary>
    public const string ActorRole = "actor";

    /// <summary>The system message the run starts with; the caller's own system messages are dropped in its favour.</summary>
    public const string SystemPrompt =
        "Solve the user's task. Think step by step: reason about what to do next, call a tool when you need information (Action), " +
        "read its result (Observation), and repeat. When you know the answer, reply with it directly and call no tool.";

    /// <summary>The compact style's system message: tools come as declarations, so the text only says what to do.</summary>
    public const string CompactSystemPrompt = "Solve the task with the tools. Reply with the answer when done.";

    /// <inheritdoc />
    public string Kind => "react";

    /// <inheritdoc />
    public bool SupportsClientTools => true;

    /// <inheritdoc />
    public async Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var system = PromptText.System(run.Definition, ActorRole, run.Definition.Prompts.IsCompact ? CompactSystemPrompt : SystemPrompt);
        var messages = new List<ChatMessage> { new(ChatRole.System, system) };
        messages.AddRange(run.Messages.Where(m => m.Role != ChatRole.System));
        var tools = run.Declarations;
        // What this request did before a pause: the caller keeps only the assistant message it is sent,
        // so the model's own steps travel in its content and the resumed model reads them there.
        var work = new StringBuilder();
        var step = 0;
        for (var turn = 1; turn <= run.Definition.Limits.MaxIterations; turn++)
        {
            var response = await run.Models.CompleteAsync(ActorRole, messages, options =>
            {
                if (tools.Count > 0)
                {
                    options.Tools = [.. tools];
                    options.ToolMode = ChatToolMode.Auto;
                    options.AllowMultipleToolCalls = run.ParallelClientCalls || run.ClientTools.Count == 0 ? null : false;
                }
            }, cancellationToken);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                return new AgentOutcome(response.Text);
            }

            if (!string.IsNullOrWhiteSpace(response.Text))
            {
                run.Trace.AddTurn(new TurnTrace(ActorRole, response.Text));
                work.Append(response.Text.Trim()).Append('\n');
            }

            messages.AddRange(response.Messages);
            var clientCalls = calls.Where(c => ToolCalls.IsClientCall(run, c)).ToList();
            foreach (var call in calls.Except(clientCalls))
            {
                var outcome = await ToolCalls.InvokeAsync(run, $"T{++step}", call, cancellationToken);
                messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, outcome.Output)]));
                work.Append("Action: ").Append(ToolCalls.Canonical(call)).Append('\n').Append("Observation: ").Append(outcome.Output).Append('\n');
            }

            if (clientCalls.Count > 0)
            {
                var requested = new List<ClientToolCall>(clientCalls.Count);
                foreach (var call in clientCalls)
                {
                    var id = string.IsNullOrEmpty(call.CallId) ? $"call_T{step + 1}_{run.CallSuffix}" : call.CallId;
                    var arguments = ToolCalls.ArgumentsJson(call);
                    requested.Add(await run.RequestClientCallAsync($"T{++step}", id, call.Name, ToolCalls.Canonical(call), arguments, cancellationToken));
                }

                return AgentOutcome.AwaitingClient(work.ToString().TrimEnd(), requested);
            }
        }

        messages.Add(new ChatMessage(ChatRole.User, "Stop calling tools now and give your best final answer from the observations so far."));
        var final = await run.AnswerAsync(ActorRole, messages, cancellationToken);
        return new AgentOutcome(final, AgentRunStatus.LimitReached);
    }
}
