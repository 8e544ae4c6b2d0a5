using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Agents.Configuration;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;

namespace Gateway.Agents.ReWoo;

/// <summary>
/// The planner's and solver's prompts and the plan's JSON schema, in two styles: compact (a fixed line, one
/// <c>name(args)</c> line per tool, no example; steps are <c>{"tool","input"}</c> with the arguments comma-separated)
/// and paper (after the ReWOO paper, with instructions and an example).
/// </summary>
internal static class ReWooPrompts
{
    /// <summary>Longest input or plan text the schema admits per step.</summary>
    public const int MaxFieldLength = 200;

    /// <summary>The compact planner's fixed text; <c>{tools}</c> is the tool list.</summary>
    public const string CompactPlanner = "Plan tool calls for the task. Step k's result is #Ek. Args comma-separated.\nTools:\n{tools}";

    /// <summary>The compact planner's text when the plan is written as text rather than JSON.</summary>
    public const string CompactTextPlanner = "Plan tool calls for the task, one line each: #Ek = tool[args]. Step k's result is #Ek.\nTools:\n{tools}";

    /// <summary>The compact solver's fixed first line.</summary>
    public const string CompactSolver = "Answer the task from the results.";

    public static string Planner(AgentOptions agent, IReadOnlyList<IToolDescription> tools, bool json, int maxSteps) =>
        agent.Prompts.IsCompact
            ? PromptText.System(agent, ReWooAgent.PlannerRole, json ? CompactPlanner : CompactTextPlanner, PromptText.Signatures(tools))
            : PromptText.System(agent, ReWooAgent.PlannerRole, Planner(tools, json, maxSteps), string.Join("\n", tools.Select(t => "- " + t.PromptLine)));

    /// <summary>
    /// The compact solver's prompt: the task, then one line per step, <c>#Ek = tool[input] -> result</c>, the input as the
    /// planner wrote it (with its references) so the solver sees how the steps chain.
    /// </summary>
    public static string Solver(AgentOptions agent, string task, IReadOnlyList<PlannedStep> plan, IReadOnlyDictionary<string, string> evidence)
    {
        if (!agent.Prompts.IsCompact)
        {
            return Solver(task, plan, evidence);
        }

        var text = new StringBuilder(PromptText.System(agent, ReWooAgent.SolverRole, CompactSolver)).Append("\nTask: ").Append(task).Append('\n');
        foreach (var step in plan)
        {
            text.Append('#').Append(step.Id).Append(" = ").Append(step.Tool).Append('[').Append(step.Input).Append("] -> ")
                .Append(evidence.GetValueOrDefault(step.Id, "(none)")).Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>The plan schema the agent's prompt style asks for (see <see cref="PlanSchema(IReadOnlyList{IToolDescription}, int, bool)"/>).</summary>
    public static JsonElement PlanSchema(AgentOptions agent, IReadOnlyList<IToolDescription> tools, int maxSteps) =>
        PlanSchema(tools, maxSteps, compact: agent.Prompts.IsCompact);

    public static string Planner(IReadOnlyList<IToolDescription> tools, bool json, int maxSteps)
    {
        var text = new StringBuilder();
        text.Append("For the following task, make plans that can solve the problem step by step. For each plan, say which ")
            .Append("external tool together with its input to use to retrieve evidence. Store the evidence in a variable #E that ")
            .Append("can be referred to by later tools: the k-th step's evidence is #Ek (#E1, #E2, …). Independent steps may run at once.\n\n")
            .Append("Tools can be one of the following:\n");
        foreach (var tool in tools)
        {
            text.Append("- ").Append(tool.PromptLine).Append('\n');
        }

        text.Append('\n').Append("Use at most ").Append(maxSteps).Append(" steps. ");
        if (json)
        {
            text.Append("Answer with JSON only: {\"steps\":[{\"id\":\"E1\",\"tool\":\"<tool>\",\"input\":\"<input, may use #E1…>\",\"plan\":\"<why>\"}]}.\n")
                .Append("For example: {\"steps\":[{\"id\":\"E1\",\"tool\":\"search\",\"input\":\"Thomas Edison birth year\",\"plan\":\"Find when Edison was born\"},")
                .Append("{\"id\":\"E2\",\"tool\":\"calculator\",\"input\":\"2024 - #E1\",\"plan\":\"Years since his birth\"}]}");
        }
        else
        {
            text.Append("Write each step as two lines:\nPlan: <why>\n#E<k> = <tool>[<input, may use earlier #E>]\n")
                .Append("For example:\nPlan: Find when Thomas Edison was born.\n#E1 = search[Thomas Edison birth year]\n")
                .Append("Plan: Work out how many years ago that was.\n#E2 = calculator[2024 - #E1]");
        }

        return text.ToString();
    }

    public static string Solver(string task, IReadOnlyList<PlannedStep> plan, IReadOnlyDictionary<string, string> evidence)
    {
        var text = new StringBuilder();
        text.Append("Solve the following task or problem. To solve the problem, we have made step-by-step plans and retrieved ")
            .Append("corresponding evidence for each plan. Use them with caution, since long evidence might contain irrelevant ")
            .Append("information and a step may have failed.\n\n");
        foreach (var step in plan)
        {
            text.Append("Plan: ").Append(step.Plan).Append('\n')
                .Append('#').Append(step.Id).Append(" = ").Append(step.Tool).Append('[').Append(step.Input).Append("]\n")
                .Append("Evidence: ").Append(evidence.GetValueOrDefault(step.Id, "(none)")).Append("\n\n");
        }

        text.Append("Now solve the task. Respond with the answer directly, with no extra words.\n\nTask: ").Append(task);
        return text.ToString();
    }

    /// <summary>
    /// The plan's JSON schema: a non-empty array of at most <paramref name="maxSteps"/> steps whose
    /// <c>tool</c> is one of the available tools' names. A local model produces it under a grammar. A step is
    /// <c>{"id","tool","input","plan"}</c>, or in the <paramref name="compact"/> form <c>{"tool","input"}</c>, the k-th
    /// step being <c>Ek</c>; properties are in that order, the order a grammar writes them.
    /// </summary>
    public static JsonElement PlanSchema(IReadOnlyList<IToolDescription> tools, int maxSteps, bool compact = false)
    {
        var properties = new JsonObject();
        if (!compact)
        {
            properties["id"] = new JsonObject { ["enum"] = new JsonArray([.. Enumerable.Range(1, maxSteps).Select(i => JsonValue.Create($"E{i}"))]) };
        }

        properties["tool"] = new JsonObject { ["enum"] = new JsonArray([.. tools.Select(t => JsonValue.Create(t.Name))]) };
        properties["input"] = new JsonObject { ["type"] = "string", ["maxLength"] = MaxFieldLength };
        if (!compact)
        {
            properties["plan"] = new JsonObject { ["type"] = "string", ["maxLength"] = MaxFieldLength };
        }

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["steps"] = new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 1,
                    ["maxItems"] = maxSteps,
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = properties,
                        ["required"] = new JsonArray([.. properties.Select(p => JsonValue.Create(p.Key))]),
                        ["additionalProperties"] = false,
                    },
                },
            },
            ["required"] = new JsonArray("steps"),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }
}
