using System.Text.Json;
using Gateway.Inference.Protocol;
using Gateway.Inference.Protocol.ToolFormats;

namespace Gateway.Inference.Grammar;

/// <summary>A function the model may call: its name and the JSON schema of its arguments.</summary>
public sealed record ToolDefinition(string Name, string? Description, JsonElement? Parameters);

/// <summary>
/// Builds the grammar under which a model produces a tool call in the
/// <see cref="ToolCallFormat"/> wire form, with arguments constrained by each tool's schema.
/// </summary>
public static class ToolGrammar
{
    /// <summary>
    /// A grammar producing exactly one call to one of <paramref name="tools"/>; with
    /// <paramref name="allowText"/> it may instead produce plain text that does not start a call.
    /// </summary>
    public static string Build(IReadOnlyList<ToolDefinition> tools, bool allowText, JsonGrammarLimits? limits = null) =>
        JsonSchemaGrammar.Guarded(() => BuildCore(tools, allowText, limits));

    /// <summary>
    /// A grammar producing exactly one call to one of <paramref name="tools"/> in <paramref name="family"/>'s own
    /// format (its opener, the name, the arguments under the tool's schema, its closer). For <c>tool_choice: auto</c>
    /// it is applied lazily, from the family's opener on (<see cref="ToolCallDialect.LazyTriggers"/>).
    /// </summary>
    public static string Build(IReadOnlyList<ToolDefinition> tools, ToolCallFamily family, JsonGrammarLimits? limits = null) =>
        family == ToolCallFamily.Generic
            ? Build(tools, allowText: false, limits)
            : JsonSchemaGrammar.Guarded(() => BuildFamily(tools, family, limits));

    /// <summary>
    /// The rule to root a lazy grammar at once it triggers: the text the triggering token carried before the opener
    /// (<paramref name="lead"/>), then the call. Returns the grammar with that rule added and the rule's name.
    /// </summary>
    public static (string Grammar, string Root) AfterLead(string grammar, string lead, string root = "root") =>
        lead.Length == 0 ? (grammar, root) : (grammar + "\nlazy-root ::= " + GbnfRules.Literal(lead) + " " + root + "\n", "lazy-root");

    /// <summary>
    /// <paramref name="grammar"/>'s call after the model's thinking ends (<c>&lt;/think&gt;</c>, then whitespace): the
    /// grammar with that rule added and the rule's name, for a lazy grammar triggered by the end of the thinking.
    /// </summary>
    public static (string Grammar, string Root) AfterThinking(string grammar) =>
        (grammar + "\nthink-end ::= " + GbnfRules.Literal(ReasoningTags.Close) + " [ \\t\\n]{0,4} root\n", "think-end");

    /// <summary>Each tool with the rule its arguments must match (an empty object schema when it declares none).</summary>
    private static List<(ToolDefinition Tool, string Args)> ArgumentRules(GbnfRules rules, IReadOnlyList<ToolDefinition> tools)
    {
        if (tools.Count == 0)
        {
            throw new GrammarException("At least one tool is needed to build a tool-call grammar.");
        }
        using var empty = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}");
        var result = new List<(ToolDefinition, string)>(tools.Count);
        foreach (var tool in tools)
        {
            var schema = tool.Parameters is { ValueKind: JsonValueKind.Object } p ? p : empty.RootElement;
            result.Add((tool, JsonSchemaGrammar.Visit(rules, schema, schema, $"args-{tool.Name}", 0)));
        }
        return result;
    }

    private static string BuildFamily(IReadOnlyList<ToolDefinition> tools, ToolCallFamily family, JsonGrammarLimits? limits)
    {
        var rules = new GbnfRules(limits);
        var calls = new List<string>();
        foreach (var (tool, args) in ArgumentRules(rules, tools))
        {
            var name = JsonSerializer.Serialize(tool.Name);
            var body = family switch
            {
                ToolCallFamily.Hermes => $"{GbnfRules.Literal($"{ToolCallFormat.Open}\n{{\"name\": {name}, \"arguments\": ")} {args} {GbnfRules.Literal("}\n" + ToolCallFormat.Close)}",
                // Llama 3 models write the object with or without a space after the brace.
                ToolCallFamily.Llama3 => $"\"{{\" \" \"? {GbnfRules.Literal($"\"name\": {name}, \"parameters\": ")} {args} \"}}\"",
                ToolCallFamily.Mistral => $"{GbnfRules.Literal($"{MistralMarkers.ToolCalls}[{{\"name\": {name}, \"arguments\": ")} {args} {GbnfRules.Literal("}]")}",
                ToolCallFamily.MistralArgs => $"{GbnfRules.Literal($"{MistralMarkers.ToolCalls}{tool.Name}{MistralMarkers.Args}")} {args}",
                ToolCallFamily.FireFunction => $"{GbnfRules.Literal($"{FireFunctionMarkers.Functools}{{\"name\": {name}, \"arguments\": ")} {args} {GbnfRules.Literal("}]")}",
                ToolCallFamily.FunctionaryV31 => $"{GbnfRules.Literal($"{FunctionaryMarkers.Function}{tool.Name}>")} {args} {GbnfRules.Literal("</function>")}",
                _ => throw new GrammarException($"No grammar for the {family} tool-call format."),
            };
            calls.Add(rules.Add($"call-{tool.Name}", body));
        }
        rules.Set("root", string.Join(" | ", calls));
        AddPrimitives(rules);
        return JsonSchemaGrammar.Bounded(rules.ToString());
    }

    private static string BuildCore(IReadOnlyList<ToolDefinition> tools, bool allowText, JsonGrammarLimits? limits)
    {
        var rules = new GbnfRules(limits);
        var calls = new List<string>();
        foreach (var (tool, args) in ArgumentRules(rules, tools))
        {
            var prefix = $"{ToolCallFormat.Open}{{\"name\": {JsonSerializer.Serialize(tool.Name)}, \"arguments\": ";
            calls.Add(rules.Add($"call-{tool.Name}", $"{GbnfRules.Literal(prefix)} {args} {GbnfRules.Literal("}" + ToolCallFormat.Close)}"));
        }
        var call = rules.Add("tool-call", string.Join(" | ", calls));
        if (allowText)
        {
            // Text may be anything that does not begin with the call marker's first character.
            rules.Set("text", "[^<\\x00] [^\\x00]*");
            rules.Set("root", $"{call} | text");
        }
        else
        {
            rules.Set("root", call);
        }
        AddPrimitives(rules);
        return JsonSchemaGrammar.Bounded(rules.ToString());
    }

    private static void AddPrimitives(GbnfRules rules)
    {
        // Reuse the JSON primitives so argument schemas resolve their references.
        var primitives = JsonSchemaGrammar.AnyObject(rules.Limits);
        foreach (var line in primitives.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.IndexOf(" ::= ", StringComparison.Ordinal);
            var name = line[..separator];
            if (name != "root" && !rules.Contains(name))
            {
                rules.Set(name, line[(separator + 5)..]);
            }
        }
    }
}
