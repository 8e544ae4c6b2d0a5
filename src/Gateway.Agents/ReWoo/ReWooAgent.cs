using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Agents.Runtime;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.ReWoo;

/// <summary>
/// ReWOO (Xu et al., 2023): the planner writes the whole plan in one call, workers run the tools
/// (as a DAG, independent steps at once), and the solver answers from the plan and its evidence in
/// one more call, so the tools' outputs never pass through the planner's prompt again.
/// Roles: <c>planner</c>, <c>solver</c>.
/// </summary>
public sealed class ReWooAgent : IAgentKind
{
    public const string PlannerRole = "planner";
    public const string SolverRole = "solver";

    public string Kind => "rewoo";

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
                    options.ResponseFormat = ChatResponseFormat.ForJsonSchema(ReWooPrompts.PlanSchema(run.Tools, limits.MaxSteps), "plan", "A ReWOO plan");
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

    public async Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var limits = run.Definition.Limits;
        var json = run.Definition.PlanFormat == "json" && run.Tools.Count > 0;
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, ReWooPrompts.Planner(run.Tools, json, limits.MaxSteps)),
        };
        messages.AddRange(run.Messages.Where(m => m.Role != ChatRole.System));

        var plan = await PlanAsync(run, messages, json, cancellationToken);
        run.Trace.SetPlan(plan);
        await run.Events.EmitAsync(new AgentEvent("plan", new JsonObject
        {
            ["steps"] = JsonSerializer.SerializeToNode(plan),
        }), cancellationToken);

        var tools = Stopwatch.GetTimestamp();
        var evidence = await PlanExecutor.RunAsync(run, plan, cancellationToken);
        run.Trace.AddTiming("tools", Stopwatch.GetElapsedTime(tools).TotalMilliseconds);

        var answer = await run.AnswerAsync(SolverRole,
            [new ChatMessage(ChatRole.User, ReWooPrompts.Solver(run.Task, plan, evidence))], cancellationToken);
        return new AgentOutcome(answer);
    }
}
