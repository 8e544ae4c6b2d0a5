using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Agents.Configuration;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;

namespace Gateway.Agents.Umi;

/// <summary>Prompts of the planner, caller and summarizer (after alpha-UMi) and the planner's decision schema.</summary>
internal static class UmiPrompts
{
    public const string Caller = "caller";
    public const string Conclusion = "conclusion";
    public const string GiveUp = "give_up";

    /// <summary>The compact planner's fixed text; <c>{tools}</c> is the tool list. Its thought names the next call, e.g. <c>gcd(84, 126)</c>.</summary>
    public const string CompactPlanner = "Give the next tool call as the thought, or next=conclusion when done.\nTools:\n{tools}";

    /// <summary>The compact caller's system text; the user message is the planner's thought alone.</summary>
    public const string CompactCaller = "Make this tool call.";

    /// <summary>The compact summarizer's system text.</summary>
    public const string CompactSummarizer = "Answer the task from the observations.";

    public static string Planner(AgentOptions agent, IReadOnlyList<IToolDescription> tools, bool json) =>
        agent.Prompts.IsCompact
            ? PromptText.System(agent, UmiAgent.PlannerRole, CompactPlanner, PromptText.Signatures(tools))
            : PromptText.System(agent, UmiAgent.PlannerRole, Planner(tools, json), string.Join("\n", tools.Select(t => "- " + t.PromptLine)));

    public static string CallerText(AgentOptions agent) =>
        PromptText.System(agent, UmiAgent.CallerRole, agent.Prompts.IsCompact ? CompactCaller : CallerSystem);

    public static string SummarizerText(AgentOptions agent) =>
        PromptText.System(agent, UmiAgent.SummarizerRole, agent.Prompts.IsCompact ? CompactSummarizer : SummarizerSystem);

    public static string Planner(IReadOnlyList<IToolDescription> tools, bool json)
    {
        var text = new StringBuilder("You are the planner of a team that solves the user's task with tools. Read the task and what has happened so far, ")
            .Append("think about the next step, then decide who acts next: 'caller' (a tool should be called; say which and with what), ")
            .Append("'conclusion' (the history is enough to answer) or 'give_up' (the task cannot be solved with these tools).\n\nTools:\n");
        foreach (var tool in tools)
        {
            text.Append("- ").Append(tool.PromptLine).Append('\n');
        }

        text.Append('\n').Append(json
            ? "Answer with JSON only: {\"thought\":\"<your reasoning and instruction for the caller>\",\"next\":\"caller|conclusion|give_up\"}."
            : "Write your reasoning, then end with a line 'Next: caller', 'Next: conclusion' or 'Next: give up'.");
        return text.ToString();
    }

    public const string CallerSystem =
        "You are the caller. Make exactly one tool call that carries out the planner's latest instruction, with arguments that match the tool's schema.";

    public static string Refine(string canonicalCall) =>
        $"Your tool call was: {canonicalCall}\nCheck the tool name and every argument against the tool's schema and the planner's instruction. Make the call again, corrected if anything is wrong, unchanged otherwise.";

    public const string SummarizerSystem =
        "You are the summarizer. Using the history of thoughts, tool calls and observations, write the final answer to the user's task. Answer directly.";

    /// <summary>The planner's decision as a JSON schema; a local model produces it under a grammar.</summary>
    public static JsonElement DecisionSchema() => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["thought"] = new JsonObject { ["type"] = "string", ["maxLength"] = 300 },
            ["next"] = new JsonObject { ["enum"] = new JsonArray(Caller, Conclusion, GiveUp) },
        },
        ["required"] = new JsonArray("thought", "next"),
        ["additionalProperties"] = false,
    });
}
