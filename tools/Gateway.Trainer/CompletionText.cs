using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Inference.Protocol;

namespace Gateway.Trainer;

/// <summary>
/// A trace's completion as the ModelServer lets the model write it under the request's grammar (full JSON limits):
/// JSON laid out as <see cref="Gateway.Inference.Grammar.JsonSchemaGrammar"/> admits it (every declared property in
/// the schema's order, <c>": "</c> and <c>", "</c> between items, strings escaped only where JSON must) and a tool
/// call in the generic <c>&lt;tool_call&gt;{"name": …, "arguments": …}&lt;/tool_call&gt;</c> form its tool grammar
/// admits. Training on any other spelling would teach text the grammar forbids at serving time.
/// </summary>
internal static class CompletionText
{
    /// <summary>A response under a JSON schema; throws <see cref="FormatException"/> when the value does not fit the schema's shape.</summary>
    public static string Json(string content, JsonElement? schema)
    {
        using var document = JsonDocument.Parse(content);
        var text = new StringBuilder();
        Write(text, document.RootElement, schema);
        return text.ToString();
    }

    /// <summary>One tool call with its arguments laid out under the tool's parameter schema.</summary>
    public static string ToolCall(string name, string argumentsJson, JsonElement? parameters)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
        var args = new StringBuilder();
        Write(args, document.RootElement, parameters ?? EmptyObjectSchema());
        return ToolCallFormat.Format(name, args.ToString());
    }

    private static JsonElement EmptyObjectSchema()
    {
        using var document = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}");
        return document.RootElement.Clone();
    }

    private static void Write(StringBuilder text, JsonElement value, JsonElement? schema)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(text, value, schema);
                break;
            case JsonValueKind.Array:
                var items = schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("items", out var i) ? i : (JsonElement?)null;
                text.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(first ? "" : ", ");
                    first = false;
                    Write(text, item, items);
                }
                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(text, value.GetString()!);
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }

    private static void WriteObject(StringBuilder text, JsonElement value, JsonElement? schema)
    {
        text.Append('{');
        var first = true;
        if (schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            // The grammar writes every declared property, in declared order, and nothing else.
            foreach (var property in properties.EnumerateObject())
            {
                if (!value.TryGetProperty(property.Name, out var member))
                {
                    throw new FormatException($"The completion lacks the property '{property.Name}' that the schema declares.");
                }
                text.Append(first ? "" : ", ");
                first = false;
                WriteString(text, property.Name);
                text.Append(": ");
                Write(text, member, property.Value);
            }
            foreach (var member in value.EnumerateObject())
            {
                if (!properties.TryGetProperty(member.Name, out _))
                {
                    throw new FormatException($"The completion has the property '{member.Name}' that the schema does not declare.");
                }
            }
        }
        else
        {
            foreach (var member in value.EnumerateObject())
            {
                text.Append(first ? "" : ", ");
                first = false;
                WriteString(text, member.Name);
                text.Append(": ");
                Write(text, member.Value, null);
            }
        }
        text.Append('}');
    }

    /// <summary>A JSON string with only the escapes JSON requires (quote, backslash, control characters).</summary>
    public static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case < ' ' or '\x7f':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
