using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Runtime;

/// <summary>Pieces the compact prompt templates share: tool signatures, short call text, system text overrides.</summary>
public static class PromptText
{
    /// <summary>A tool as <c>name(arg1, arg2)</c>: its name and its parameters' names in declaration order.</summary>
    public static string Signature(IToolDescription tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return $"{tool.Name}({string.Join(", ", ParameterNames(tool))})";
    }

    /// <summary>The parameter names of a tool's declaration, in order.</summary>
    public static IReadOnlyList<string> ParameterNames(IToolDescription tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return tool.Declaration is AIFunctionDeclaration { JsonSchema: { ValueKind: JsonValueKind.Object } schema }
            && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? [.. properties.EnumerateObject().Select(p => p.Name)]
            : [];
    }

    /// <summary>
    /// The tool's declaration without descriptions: its name and a parameter schema of types, enums, array items and
    /// required names only. Enough for a tool grammar, and a few dozen characters per tool in a prompt.
    /// </summary>
    public static AITool CompactDeclaration(IToolDescription tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var schema = new JsonObject { ["type"] = "object" };
        if (tool.Declaration is AIFunctionDeclaration { JsonSchema: { ValueKind: JsonValueKind.Object } full })
        {
            var properties = new JsonObject();
            if (full.TryGetProperty("properties", out var listed) && listed.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in listed.EnumerateObject())
                {
                    properties[property.Name] = Bare(property.Value);
                }
            }

            schema["properties"] = properties;
            if (full.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                schema["required"] = JsonNode.Parse(required.GetRawText());
            }
        }

        return AIFunctionFactory.CreateDeclaration(tool.Name, "", JsonSerializer.SerializeToElement(schema));
    }

    private static JsonObject Bare(JsonElement property)
    {
        var bare = new JsonObject();
        if (property.ValueKind != JsonValueKind.Object)
        {
            return bare;
        }

        foreach (var keep in new[] { "type", "enum" })
        {
            if (property.TryGetProperty(keep, out var value))
            {
                bare[keep] = JsonNode.Parse(value.GetRawText());
            }
        }

        if (property.TryGetProperty("items", out var items))
        {
            bare["items"] = Bare(items);
        }

        return bare;
    }

    /// <summary>One <see cref="Signature"/> line per tool.</summary>
    public static string Signatures(IEnumerable<IToolDescription> tools) => string.Join("\n", tools.Select(Signature));

    /// <summary>A tool call as <c>name(value1, value2)</c>: values in the model's order, text without quotes.</summary>
    public static string ShortCall(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var values = (call.Arguments ?? new Dictionary<string, object?>()).Select(a => Value(a.Value));
        return $"{call.Name}({string.Join(", ", values)})";
    }

    /// <summary>
    /// The system text of <paramref name="role"/>: the agent's <c>Prompts:System</c> override when it has one, else
    /// <paramref name="standard"/>; <c>{tools}</c> becomes <paramref name="toolList"/>.
    /// </summary>
    public static string System(AgentOptions agent, string role, string standard, string toolList = "")
    {
        ArgumentNullException.ThrowIfNull(agent);
        var text = agent.Prompts.System.TryGetValue(role, out var custom) && !string.IsNullOrWhiteSpace(custom) ? custom : standard;
        return text.Replace("{tools}", toolList, StringComparison.Ordinal);
    }

    private static string Value(object? value) => value switch
    {
        null => "null",
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        JsonElement element => element.GetRawText(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions),
    };

}
