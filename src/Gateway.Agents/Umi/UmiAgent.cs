using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Agents.Runtime;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Umi;

/// <summary>
/// Planner / caller / summarizer (alpha-UMi, Shen et al., 2024): each turn the planner thinks and
/// hands off to the caller (one tool call, constrained to the tools' schemas with
/// <c>tool_choice: required</c>), to the summarizer (conclusion), or gives up; the summarizer writes
/// the answer from the history. Optional self-refinement of each call (ToolACE-R): the caller is
/// shown its own call until the canonical call stops changing or <c>RefineRounds</c> is reached.
/// The caller may choose one of the caller's own tools: the run then pauses, its history so far the answer's
/// content, and resumes from the conversation sent back (the call is the history's action, its result the observation).
/// Roles: <c>planner</c>, <c>caller</c>, <c>summarizer</c>.
/// </summary>
internal sealed partial class UmiAgent : IAgentKind
{
    public const string PlannerRole = "planner";
    public const string CallerRole = "caller";
    public const string SummarizerRole = "summarizer";

    public string Kind => "umi";

    public bool SupportsClientTools => true;

    [GeneratedRegex(@"^call_T(\d+)_")]
    private static partial Regex ClientCallId();

    public async Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var (history, resumedAfter) = Resume(run);
        var json = run.Definition.PlanFormat == "json";
        var compact = run.Definition.Prompts.IsCompact;
        var status = AgentRunStatus.LimitReached;
        for (var turn = resumedAfter + 1; turn <= resumedAfter + run.Definition.Limits.MaxIterations; turn++)
        {
            var decision = await PlanAsync(run, history, json, cancellationToken);
            if (!compact)
            {
                // The compact history keeps actions and observations only: the thought is the action it names.
                history.Append("Thought ").Append(turn).Append(": ").Append(decision.Thought).Append('\n');
            }

            if (decision.Next == UmiPrompts.Conclusion || run.Offered.Count == 0)
            {
                status = AgentRunStatus.Completed;
                break;
            }

            if (decision.Next == UmiPrompts.GiveUp)
            {
                status = AgentRunStatus.GaveUp;
                break;
            }

            var call = await CallAsync(run, history, decision.Thought, cancellationToken);
            if (call is null)
            {
                history.Append("Observation ").Append(turn).Append(": Error: the caller made no tool call.\n");
                continue;
            }

            if (ToolCalls.IsClientCall(run, call))
            {
                var requested = await run.RequestClientCallAsync($"T{turn}", $"call_T{turn}_{run.CallSuffix}", call.Name,
                    ToolCalls.Canonical(call), ToolCalls.ArgumentsJson(call), cancellationToken);
                return AgentOutcome.AwaitingClient(history.ToString().TrimEnd(), [requested]);
            }

            var outcome = await ToolCalls.InvokeAsync(run, $"T{turn}", call, cancellationToken);
            history.Append("Action ").Append(turn).Append(": ").Append(ActionText(run, call)).Append('\n')
                .Append("Observation ").Append(turn).Append(": ").Append(outcome.Output).Append('\n');
        }

        var summary = await run.AnswerAsync(SummarizerRole,
        [
            new ChatMessage(ChatRole.System, UmiPrompts.SummarizerText(run.Definition)),
            new ChatMessage(ChatRole.User, Transcript(run, history).TrimEnd() + (status == AgentRunStatus.GaveUp
                ? "\nThe planner gave up. Say briefly why the task could not be solved."
                : compact ? "" : "\nWrite the final answer.")),
        ], cancellationToken);
        run.Trace.AddTurn(new TurnTrace(SummarizerRole, summary));
        return new AgentOutcome(summary, status);
    }

    /// <summary>
    /// The history before this request and its last turn number: each paused answer since the task brings its history
    /// (its content) and its call, whose result, in the caller's tool message, is that turn's observation.
    /// </summary>
    private static (StringBuilder History, int LastTurn) Resume(AgentRun run)
    {
        var history = new StringBuilder();
        var last = 0;
        var since = Conversation.SinceTask(run.Messages);
        var results = Conversation.ToolResults(since);
        foreach (var message in since.Where(m => m.Role == ChatRole.Assistant))
        {
            var calls = message.Contents.OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                continue;
            }

            if (!string.IsNullOrWhiteSpace(message.Text))
            {
                history.Append(message.Text.Trim()).Append('\n');
            }

            foreach (var call in calls)
            {
                var turn = ClientCallId().Match(call.CallId) is { Success: true } id
                    && int.TryParse(id.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : last + 1;
                last = Math.Max(last, turn);
                history.Append("Action ").Append(turn).Append(": ").Append(ActionText(run, call)).Append('\n')
                    .Append("Observation ").Append(turn).Append(": ").Append(results.GetValueOrDefault(call.CallId, "Error: the caller sent no result.")).Append('\n');
            }
        }

        return (history, last);
    }

    private static async Task<PlannerDecision> PlanAsync(AgentRun run, StringBuilder history, bool json, CancellationToken cancellationToken)
    {
        var response = await run.Models.CompleteAsync(PlannerRole,
        [
            new ChatMessage(ChatRole.System, UmiPrompts.Planner(run.Definition, run.Offered, json)),
            new ChatMessage(ChatRole.User, Transcript(run, history).TrimEnd()),
        ], options =>
        {
            if (json)
            {
                options.ResponseFormat = ChatResponseFormat.ForJsonSchema(UmiPrompts.DecisionSchema(), "decision", "The planner's thought and who acts next");
            }
        }, cancellationToken);
        var decision = PlannerDecision.Parse(response.Text);
        run.Trace.AddTurn(new TurnTrace(PlannerRole, decision.Thought, decision.Next));
        await run.Events.EmitAsync(new AgentEvent("thought", new JsonObject { ["role"] = PlannerRole, ["content"] = decision.Thought, ["next"] = decision.Next }), cancellationToken);
        return decision;
    }

    /// <summary>The caller's tool call, refined while it keeps changing (at most <c>RefineRounds</c> re-asks).</summary>
    private static async Task<FunctionCallContent?> CallAsync(AgentRun run, StringBuilder history, string instruction, CancellationToken cancellationToken)
    {
        // The compact caller reads the planner's instruction alone: it names the call, and the caller only writes it.
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, UmiPrompts.CallerText(run.Definition)),
            new(ChatRole.User, run.Definition.Prompts.IsCompact ? instruction : Transcript(run, history) + "\nPlanner's instruction: " + instruction),
        };
        var call = await AskCallerAsync(run, messages, cancellationToken);
        for (var round = 1; call is not null && round <= run.Definition.RefineRounds; round++)
        {
            var canonical = ToolCalls.Canonical(call);
            messages.Add(new ChatMessage(ChatRole.Assistant, canonical));
            messages.Add(new ChatMessage(ChatRole.User, UmiPrompts.Refine(canonical)));
            var refined = await AskCallerAsync(run, messages, cancellationToken);
            if (refined is null)
            {
                break;
            }

            var changed = ToolCalls.Canonical(refined) != canonical;
            run.Trace.AddTurn(new TurnTrace("refine", ToolCalls.Canonical(refined), changed ? "changed" : "unchanged"));
            call = refined;
            if (!changed)
            {
                break;
            }
        }

        return call;
    }

    private static async Task<FunctionCallContent?> AskCallerAsync(AgentRun run, List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var response = await run.Models.CompleteAsync(CallerRole, messages, options =>
        {
            options.Tools = [.. run.Declarations];
            options.ToolMode = ChatToolMode.RequireAny;
            options.AllowMultipleToolCalls = false;
        }, cancellationToken);
        return response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().FirstOrDefault();
    }

    /// <summary>A call as the history shows it: <c>gcd(84, 126)</c> in the compact style, canonical JSON in the paper style.</summary>
    private static string ActionText(AgentRun run, FunctionCallContent call) =>
        run.Definition.Prompts.IsCompact ? PromptText.ShortCall(call) : ToolCalls.Canonical(call);

    private static string Transcript(AgentRun run, StringBuilder history)
    {
        var text = new StringBuilder("Task: ").Append(run.Task).Append('\n');
        return text.Append(history).ToString();
    }
}
