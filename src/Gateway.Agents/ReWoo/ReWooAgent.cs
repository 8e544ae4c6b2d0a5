using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Agents.Runtime;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.ReWoo;

/// <summary>
/// ReWOO (Xu et al., 2023): the planner writes the whole plan in one call, workers run the tools
/// (as a DAG, independent steps at once), and the solver answers from the plan and its evidence in
/// one more call, so the tools' outputs never pass through the planner's prompt again.
/// A plan may use the caller's own tools: the steps that can run do, then the run pauses with the plan and
/// its evidence as the answer's content (<see cref="PlanState"/>) and one tool call per waiting step, its id
/// naming the step (<c>call_E3_…</c>). The resumed run reads plan and evidence back, takes the caller's results
/// as those steps' evidence, runs the rest and solves; the planner is not asked again.
/// Roles: <c>planner</c>, <c>solver</c>.
/// </summary>
public sealed partial class ReWooAgent : IAgentKind
{
    /// <summary>The role whose model writes the plan; configured under <c>Roles:planner</c>.</summary>
    public const string PlannerRole = "planner";

    /// <summary>The role whose model answers from the plan and its evidence; configured under <c>Roles:solver</c>.</summary>
    public const string SolverRole = "solver";

    /// <inheritdoc />
    public string Kind => "rewoo";

    /// <inheritdoc />
    public bool SupportsClientTools => true;

    [GeneratedRegex(@"^call_(E\d+)_")]
    private static partial Regex ClientCallId();

    /// <summary>Asks for a plan; one that does not parse goes back to the planner with the reason, at most <c>PlanRetries</c> times.</summary>
    private static async Task<IReadOnlyList<PlannedStep>> PlanAsync(AgentRun run, List<ChatMessage> messages, bool json, CancellationToken cancellationToken)
    {
        var limits = run.Definition.Limits;
        for (var attempt = 0; ; attempt++)
        {
            var planning = await run.Models.CompleteAsync(PlannerRole, messages, options =>
            {
                if (json)
                {
                    options.ResponseFormat = ChatResponseFormat.ForJsonSchema(ReWooPrompts.PlanSchema(run.Definition, run.Offered, limits.MaxSteps), "plan", "A ReWOO plan");
                }
            }, cancellationToken);

            try
            {
                return PlanParser.Parse(planning.Text, limits.MaxSteps);
            }
            catch (PlanParseException ex)
            {
                run.Trace.AddTurn(new TurnTrace(PlannerRole, planning.Text, "invalid_plan"));
                if (attempt >= limits.PlanRetries)
                {
                    throw new AgentRunException($"The planner's plan could not be used: {ex.Message}", "agent_plan_invalid", ex);
                }

                messages.Add(new ChatMessage(ChatRole.Assistant, planning.Text));
                messages.Add(new ChatMessage(ChatRole.User, $"That plan cannot be used: {ex.Message} Write the whole plan again in the required form."));
            }
        }
    }

    /// <inheritdoc />
    public async Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var (plan, known) = Resume(run) ?? (await NewPlanAsync(run, cancellationToken), new Dictionary<string, string>());
        run.Trace.SetPlan(plan);
        await run.Events.EmitAsync(new AgentEvent("plan", new JsonObject
        {
            ["steps"] = JsonSerializer.SerializeToNode(plan),
        }), cancellationToken);

        var tools = Stopwatch.GetTimestamp();
        var progress = await PlanExecutor.RunAsync(run, plan, known, cancellationToken);
        run.Trace.AddTiming("tools", Stopwatch.GetElapsedTime(tools).TotalMilliseconds);
        if (progress.Waiting.Count > 0)
        {
            var calls = new List<ClientToolCall>();
            foreach (var waiting in run.ParallelClientCalls ? progress.Waiting : progress.Waiting.Take(1))
            {
                var step = waiting.Step;
                calls.Add(await run.RequestClientCallAsync(step.Id, $"call_{step.Id}_{run.CallSuffix}", step.Tool, waiting.Input,
                    run.FindClientTool(step.Tool)!.ArgumentsFor(waiting.Input), cancellationToken));
            }

            return AgentOutcome.AwaitingClient(PlanState.Write(plan, progress.Evidence), calls);
        }

        var answer = await run.AnswerAsync(SolverRole,
            [new ChatMessage(ChatRole.User, ReWooPrompts.Solver(run.Definition, run.Task, plan, progress.Evidence))], cancellationToken);
        return new AgentOutcome(answer);
    }

    private static Task<IReadOnlyList<PlannedStep>> NewPlanAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var limits = run.Definition.Limits;
        var json = run.Definition.PlanFormat == "json" && run.Offered.Count > 0;
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, ReWooPrompts.Planner(run.Definition, run.Offered, json, limits.MaxSteps)),
        };
        messages.AddRange(Conversation.AsText(run.Messages.Where(m => m.Role != ChatRole.System)));
        return PlanAsync(run, messages, json, cancellationToken);
    }

    /// <summary>
    /// The plan and evidence of the last pause since the task, with the caller's results as its steps' evidence;
    /// null when the run did not pause, or its content (the plan) did not come back, and the run plans anew.
    /// </summary>
    private static (IReadOnlyList<PlannedStep> Plan, Dictionary<string, string> Evidence)? Resume(AgentRun run)
    {
        var since = Conversation.SinceTask(run.Messages);
        var paused = since.LastOrDefault(m => m.Role == ChatRole.Assistant
            && m.Contents.OfType<FunctionCallContent>().Any(c => ClientCallId().IsMatch(c.CallId)));
        if (paused is null || !PlanState.TryRead(paused.Text, out var plan, out var evidence))
        {
            return null;
        }

        var results = Conversation.ToolResults(since);
        foreach (var call in Conversation.Calls(since))
        {
            if (ClientCallId().Match(call.CallId) is { Success: true } id && plan.Any(s => s.Id == id.Groups[1].Value)
                && results.TryGetValue(call.CallId, out var result))
            {
                evidence[id.Groups[1].Value] = result;
            }
        }

        return (plan, evidence);
    }
}
