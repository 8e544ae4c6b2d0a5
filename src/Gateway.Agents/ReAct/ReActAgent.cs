using Gateway.Agents.Runtime;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.ReAct;

/// <summary>
/// ReAct (Yao et al., 2023) over OpenAI tool calling: one model thinks, calls tools and reads each
/// observation in a growing conversation until it answers without a tool call or the iteration cap
/// is reached (then it is asked to answer with what it has). The baseline ReWOO is measured against.
/// Role: <c>actor</c>.
/// </summary>
public sealed class ReActAgent : IAgentKind
{
    public const string ActorRole = "actor";

    public const string SystemPrompt =
        "Solve the user's task. Think step by step: reason about what to do next, call a tool when you need information (Action), " +
        "read its result (Observation), and repeat. When you know the answer, reply with it directly and call no tool.";

    public string Kind => "react";

    public async Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, SystemPrompt) };
        messages.AddRange(run.Messages.Where(m => m.Role != ChatRole.System));
        var tools = run.Tools.Select(t => t.Declaration).ToList();
        var step = 0;
        for (var turn = 1; turn <= run.Definition.Limits.MaxIterations; turn++)
        {
            var response = await run.Models.CompleteAsync(ActorRole, messages, options =>
            {
                if (tools.Count > 0)
                {
                    options.Tools = tools;
                    options.ToolMode = ChatToolMode.Auto;
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
            }

            messages.AddRange(response.Messages);
            foreach (var call in calls)
            {
                var outcome = await ToolCalls.InvokeAsync(run, $"T{++step}", call, cancellationToken);
                messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, outcome.Output)]));
            }
        }

        messages.Add(new ChatMessage(ChatRole.User, "Stop calling tools now and give your best final answer from the observations so far."));
        var final = await run.AnswerAsync(ActorRole, messages, cancellationToken);
        return new AgentOutcome(final, AgentRunStatus.LimitReached);
    }
}
