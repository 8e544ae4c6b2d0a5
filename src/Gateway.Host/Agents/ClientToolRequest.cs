using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;
using Gateway.Errors;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Gateway.Host.Agents;

/// <summary>
/// Reads the caller's own tools from an agent request: <c>tools</c> (type <c>function</c>: name, description,
/// parameters), <c>tool_choice</c> and <c>parallel_tool_calls</c>. <c>tool_choice</c> <c>auto</c> (the default) offers
/// them to the agent and <c>none</c> does not; <c>required</c> and a named function are refused, since an agent, not
/// the caller, decides whether a step needs a tool. Sizes are bounded (<see cref="AgentRequestLimits"/>).
/// </summary>
internal static partial class ClientToolRequest
{
    private static readonly JsonElement NoParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();

    /// <summary>The offer (<see cref="ClientToolOffer.None"/> without tools), or null with an OpenAI-shaped error.</summary>
    public static ClientToolOffer? Parse(JsonElement root, out GatewayError? error)
    {
        error = null;
        var tools = Tools(root, out error);
        if (tools is null)
        {
            return null;
        }

        var parallel = true;
        if (root.TryGetProperty("parallel_tool_calls", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = GatewayError.BadRequest("'parallel_tool_calls' must be a boolean.", "parallel_tool_calls", "invalid_type");
                return null;
            }

            parallel = p.GetBoolean();
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return new ClientToolOffer(tools, parallel);
        }

        switch (choice.ValueKind == JsonValueKind.String ? choice.GetString() : null)
        {
            case "auto":
                return new ClientToolOffer(tools, parallel);
            case "none":
                return ClientToolOffer.None;
            case "required":
                error = Unsupported("'tool_choice': 'required'");
                return null;
            case null when choice.ValueKind == JsonValueKind.Object:
                error = Unsupported("A 'tool_choice' that names a function");
                return null;
            default:
                error = GatewayError.BadRequest("'tool_choice' must be 'none', 'auto', 'required' or an object naming a function.", "tool_choice", "invalid_value");
                return null;
        }
    }

    private static List<ClientTool>? Tools(JsonElement root, out GatewayError? error)
    {
        error = null;
        var tools = new List<ClientTool>();
        if (!root.TryGetProperty("tools", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return tools;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("'tools' must be an array.", "tools", "invalid_type");
            return null;
        }

        var count = array.GetArrayLength();
        if (count > AgentRequestLimits.MaxTools)
        {
            // The front door's code for the same mistake on a chat request, so both doors answer alike.
            error = GatewayError.BadRequest($"'tools' holds {count} tools; at most {AgentRequestLimits.MaxTools} are allowed.", "tools", "too_many_tools");
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = -1;
        foreach (var tool in array.EnumerateArray())
        {
            var param = $"tools[{++index}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                error = GatewayError.BadRequest($"'{param}' must be an object.", param, "invalid_type");
                return null;
            }

            if (!tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
            {
                error = GatewayError.BadRequest($"'{param}.type' must be 'function': agents take function tools only.", param + ".type", "invalid_value");
                return null;
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                error = GatewayError.BadRequest($"Missing required parameter: '{param}.function'.", param + ".function", "missing_required_parameter");
                return null;
            }

            var parsed = Function(function, param + ".function", out error);
            if (parsed is null)
            {
                return null;
            }

            if (!names.Add(parsed.Name))
            {
                error = GatewayError.BadRequest($"'tools' has two functions named '{parsed.Name}'.", param + ".function.name", "invalid_value");
                return null;
            }

            tools.Add(parsed);
        }

        return tools;
    }

    private static ClientTool? Function(JsonElement function, string param, out GatewayError? error)
    {
        error = null;
        if (!function.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
        {
            error = GatewayError.BadRequest($"Missing required parameter: '{param}.name'.", param + ".name", "missing_required_parameter");
            return null;
        }

        var name = n.GetString()!;
        if (!FunctionName().IsMatch(name))
        {
            error = GatewayError.BadRequest($"'{param}.name' is '{name}'; a function name is 1 to 64 letters, digits, '_' or '-'.", param + ".name", "invalid_value");
            return null;
        }

        var description = "";
        if (function.TryGetProperty("description", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (d.ValueKind != JsonValueKind.String)
            {
                error = GatewayError.BadRequest($"'{param}.description' must be a string.", param + ".description", "invalid_type");
                return null;
            }

            description = d.GetString()!;
            if (description.Length > AgentRequestLimits.MaxDescriptionChars)
            {
                error = GatewayError.BadRequest(
                    $"Invalid '{param}.description': string too long. Expected a string with maximum length {AgentRequestLimits.MaxDescriptionChars}, but got a string with length {description.Length} instead.",
                    param + ".description", "string_above_max_length");
                return null;
            }
        }

        var parameters = NoParameters;
        if (function.TryGetProperty("parameters", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.Object)
            {
                error = GatewayError.BadRequest($"'{param}.parameters' must be a JSON schema object.", param + ".parameters", "invalid_type");
                return null;
            }

            if (AgentRequestLimits.Bytes(s) > AgentRequestLimits.MaxSchemaBytes || AgentRequestLimits.NestsDeeperThan(s, AgentRequestLimits.MaxSchemaDepth))
            {
                error = GatewayError.BadRequest(
                    $"'{param}.parameters' is too large: a schema may take {AgentRequestLimits.MaxSchemaBytes} bytes and nest {AgentRequestLimits.MaxSchemaDepth} levels deep.",
                    param + ".parameters", "invalid_value");
                return null;
            }

            parameters = s.Clone();
        }

        var tool = new ClientTool(name, description, parameters);
        try
        {
            // The agents' models are called through Microsoft.Extensions.AI's OpenAI adapter, which reads a schema's
            // type, properties and required into typed fields: one it cannot read would fail each model call of the run.
            _ = ((AIFunctionDeclaration)tool.Declaration).AsOpenAIChatTool();
        }
        catch (JsonException ex)
        {
            error = GatewayError.BadRequest($"'{param}.parameters' is not a JSON schema the agent's models can be given: {ex.Message}", param + ".parameters", "invalid_value");
            return null;
        }

        return tool;
    }

    private static GatewayError Unsupported(string what) =>
        GatewayError.BadRequest($"{what} is not supported for agents: the agent decides when a step needs a tool. Use 'auto' (the default) or 'none'.",
            "tool_choice", "unsupported_value");
}
