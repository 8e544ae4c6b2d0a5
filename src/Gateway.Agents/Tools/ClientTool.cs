using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Tools;

/// <summary>
/// A tool the caller declared in its chat request (OpenAI <c>tools</c>, type <c>function</c>). The gateway
/// only declares it to the agent's models and cannot run it: when the agent chooses it, the run pauses and
/// the answer asks the caller to run it (<c>finish_reason: "tool_calls"</c>).
/// </summary>
public sealed record ClientTool(string Name, string Description, JsonElement ParametersSchema) : IToolDescription
{
    /// <inheritdoc />
    public AITool Declaration => AIFunctionFactory.CreateDeclaration(Name, Description, ParametersSchema);

    /// <summary>The parameter a plain-text input (a ReWOO step's input) binds to: the first required one, else the first.</summary>
    public string? PrimaryParameter
    {
        get
        {
            if (ParametersSchema.ValueKind != JsonValueKind.Object
                || !ParametersSchema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (ParametersSchema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in required.EnumerateArray())
                {
                    if (name.ValueKind == JsonValueKind.String && properties.TryGetProperty(name.GetString()!, out _))
                    {
                        return name.GetString();
                    }
                }
            }

            return properties.EnumerateObject().Select(p => p.Name).FirstOrDefault();
        }
    }

    /// <inheritdoc />
    /// <remarks>Without a description the line is only <c>name[input]</c>.</remarks>
    public string PromptLine => string.IsNullOrWhiteSpace(Description)
        ? $"{Name}[{PrimaryParameter ?? ""}]"
        : $"{Name}[{PrimaryParameter ?? ""}]: {Description}";

    /// <summary>
    /// The JSON arguments of a call with a plain-text input: an input that is a JSON object is the arguments,
    /// anything else is the primary parameter's value (no arguments when the tool takes none).
    /// </summary>
    public string ArgumentsFor(string input)
    {
        var trimmed = input.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                if (JsonNode.Parse(trimmed) is JsonObject arguments)
                {
                    return arguments.ToJsonString();
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: the text is the primary parameter's value.
            }
        }

        return (PrimaryParameter is { } parameter ? new JsonObject { [parameter] = input } : new JsonObject()).ToJsonString();
    }
}
