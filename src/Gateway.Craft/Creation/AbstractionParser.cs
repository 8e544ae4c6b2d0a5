using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Craft.Toolsets;

namespace Gateway.Craft.Creation;

/// <summary>Turns the model's abstraction reply (<c>{"name","docstring","parameters","code","call"}</c>) into a tool.</summary>
internal static class AbstractionParser
{
    public static CraftTool Parse(JsonObject? reply, CreationProblem problem)
    {
        if (reply is null)
        {
            throw new FormatException("the reply holds no JSON object");
        }

        var name = Text(reply, "name");
        if (!Toolset.IsValidToolName(name))
        {
            throw new FormatException(name is null ? "the reply names no tool" : $"'{Clip(name)}' is not a valid tool name");
        }

        var docstring = Text(reply, "docstring") ?? Text(reply, "description");
        if (string.IsNullOrWhiteSpace(docstring))
        {
            throw new FormatException("the reply has no docstring");
        }

        var code = Text(reply, "code");
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new FormatException("the reply has no code");
        }

        if (reply["call"] is not JsonObject call)
        {
            throw new FormatException("the reply has no example call (an object of arguments)");
        }

        return new CraftTool
        {
            Name = name!,
            Docstring = docstring.Trim(),
            Code = code,
            Parameters = Schema(reply["parameters"], call),
            Example = new ToolExample { Arguments = (JsonObject)call.DeepClone(), Result = problem.Answer?.DeepClone() },
            SourceProblem = problem.Problem,
            SourceId = problem.Id,
        };
    }

    /// <summary>A JSON Schema of the arguments: the model's when it wrote one, else built from its list or the example call.</summary>
    private static JsonObject Schema(JsonNode? given, JsonObject call)
    {
        if (given is JsonObject schema && schema["properties"] is JsonObject)
        {
            return (JsonObject)schema.DeepClone();
        }

        var properties = new JsonObject();
        foreach (var (argument, value) in call)
        {
            var property = new JsonObject { ["type"] = TypeOf(value) };
            if (given is JsonObject described && described[argument] is JsonValue d && d.GetValueKind() == JsonValueKind.String)
            {
                property["description"] = d.GetValue<string>();
            }

            properties[argument] = property;
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = new JsonArray(call.Select(a => (JsonNode)a.Key).ToArray()) };
    }

    private static string TypeOf(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "string",
    };

    private static string? Text(JsonObject reply, string key) =>
        reply[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
