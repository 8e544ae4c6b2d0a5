using System.Text.Json;
using Gateway.Inference.Protocol;

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

    private static string BuildCore(IReadOnlyList<ToolDefinition> tools, bool allowText, JsonGrammarLimits? limits)
    {
        if (tools.Count == 0)
        {
            throw new GrammarException("At least one tool is needed to build a tool-call grammar.");
        }
        var rules = new GbnfRules(limits);
        var calls = new List<string>();
        foreach (var tool in tools)
        {
            using var empty = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}");
            var schema = tool.Parameters is { ValueKind: JsonValueKind.Object } p ? p : empty.RootElement;
            var args = JsonSchemaGrammar.Visit(rules, schema, schema, $"args-{tool.Name}", 0);
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
