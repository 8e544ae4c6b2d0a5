using System.Globalization;
using System.Text.Json;
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
