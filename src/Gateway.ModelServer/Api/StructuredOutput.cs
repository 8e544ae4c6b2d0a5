using System.Text.Json;
using Gateway.Inference.Grammar;

namespace Gateway.ModelServer.Api;


/// <summary>The parts of request parsing that produce grammars: response formats and tools.</summary>
internal static class StructuredOutput
{
    /// <summary>The request field a response format's grammar comes from, named in its errors.</summary>
    public const string SchemaParam = "response_format.json_schema.schema";

    /// <summary>A response format's grammar and the field it comes from, or (null, null) for plain text.</summary>
    public static (string? Grammar, string? Param) ResponseFormat(JsonElement body, JsonGrammarLimits limits)
    {
        if (!body.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }
        var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        try
        {
            switch (type)
            {
                case "text":
                    return (null, null);
                case "json_object":
                    return (JsonSchemaGrammar.AnyObject(limits), "response_format");
                case "json_schema":
                    if (!format.TryGetProperty("json_schema", out var js) || js.ValueKind != JsonValueKind.Object || !js.TryGetProperty("schema", out var schema))
                    {
                        throw ApiException.BadRequest("'response_format.json_schema.schema' is required.", SchemaParam);
                    }
                    try
                    {
                        return (JsonSchemaGrammar.FromSchema(schema, limits), SchemaParam);
                    }
                    catch (GrammarException e)
                    {
                        throw ApiException.BadRequest($"The response schema cannot be enforced: {e.Message}", SchemaParam);
                    }
                default:
                    throw ApiException.BadRequest("'response_format.type' must be text, json_object or json_schema.", "response_format");
            }
        }
        catch (GrammarException e)
        {
            throw ApiException.BadRequest($"The response format cannot be enforced: {e.Message}", "response_format");
        }
    }

    /// <summary>
    /// The grammar for a tool call to one of <paramref name="offered"/> (a subset of <paramref name="tools"/>) and the
    /// field it comes from. When it cannot be built, the 400 names the first offered tool whose schema alone cannot be
    /// enforced (<c>tools[i].function.parameters</c>), or <c>tools</c> when only the tools together are too large.
    /// </summary>
    public static (string Grammar, string Param) ToolCalls(
        IReadOnlyList<ToolDefinition> tools, IReadOnlyList<ToolDefinition> offered, bool allowText, JsonGrammarLimits limits)
    {
        string ParamOf(ToolDefinition tool) => $"tools[{IndexOf(tools, tool)}].function.parameters";
        try
        {
            return (ToolGrammar.Build(offered, allowText, limits), offered.Count == 1 ? ParamOf(offered[0]) : "tools");
        }
        catch (GrammarException e)
        {
            var culprit = offered.Count == 1 ? offered[0] : offered.FirstOrDefault(t => !BuildsAlone(t, allowText, limits));
            throw ApiException.BadRequest($"The tool schemas cannot be enforced: {e.Message}", culprit is null ? "tools" : ParamOf(culprit));
        }
    }

    private static bool BuildsAlone(ToolDefinition tool, bool allowText, JsonGrammarLimits limits)
    {
        try
        {
            ToolGrammar.Build([tool], allowText, limits);
            return true;
        }
        catch (GrammarException)
        {
            return false;
        }
    }

    private static int IndexOf(IReadOnlyList<ToolDefinition> tools, ToolDefinition tool)
    {
        for (var i = 0; i < tools.Count; i++)
        {
            if (ReferenceEquals(tools[i], tool))
            {
                return i;
            }
        }
        return -1;
    }

    public static List<ToolDefinition> Tools(JsonElement body)
    {
        var tools = new List<ToolDefinition>();
        if (!body.TryGetProperty("tools", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return tools;
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest("'tools' must be an array.", "tools");
        }
        var i = 0;
        foreach (var tool in array.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object
                || !f.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(name.GetString()))
            {
                throw ApiException.BadRequest("Each tool needs a function with a name.", $"tools[{i}]");
            }
            var description = f.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            JsonElement? parameters = f.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : null;
            tools.Add(new ToolDefinition(name.GetString()!, description, parameters));
            i++;
        }
        return tools;
    }

    public static ToolMode ToolChoice(JsonElement body, IReadOnlyList<ToolDefinition> tools, out string? named)
    {
        named = null;
        if (!body.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return tools.Count > 0 ? ToolMode.Auto : ToolMode.None;
        }
        if (choice.ValueKind == JsonValueKind.String)
        {
            var mode = choice.GetString() switch
            {
                "none" => ToolMode.None,
                "auto" => ToolMode.Auto,
                "required" => ToolMode.Required,
                _ => throw ApiException.BadRequest("'tool_choice' must be none, auto, required or a named function.", "tool_choice"),
            };
            if (mode == ToolMode.Required && tools.Count == 0)
            {
                throw ApiException.BadRequest("'tool_choice' is required but no tools were given.", "tool_choice");
            }
            return mode;
        }
        if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
        {
            var name = n.GetString();
            if (!tools.Any(t => t.Name == name))
            {
                throw ApiException.BadRequest($"'tool_choice' names '{name}', which is not among the tools.", "tool_choice");
            }
            named = name;
            return ToolMode.Named;
        }
        throw ApiException.BadRequest("'tool_choice' must be none, auto, required or a named function.", "tool_choice");
    }
}
