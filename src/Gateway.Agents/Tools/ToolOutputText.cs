using System.Text;
using System.Text.Json;

namespace Gateway.Agents.Tools;

/// <summary>Renders a tool's return value as the text an agent reads.</summary>
internal static class ToolOutputText
{
    public static string From(object? value) => value switch
    {
        null => "",
        string text => text,
        Microsoft.Extensions.AI.TextContent content => content.Text,
        IEnumerable<Microsoft.Extensions.AI.AIContent> contents => string.Join("\n", contents.Select(c => c is Microsoft.Extensions.AI.TextContent t ? t.Text : c.ToString())),
        JsonElement element => FromJson(element),
        ModelContextProtocol.Protocol.CallToolResult result => FromJson(JsonSerializer.SerializeToElement(result, ModelContextProtocol.McpJsonUtilities.DefaultOptions)),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value, value.GetType(), ModelContextProtocol.McpJsonUtilities.DefaultOptions),
    };

    /// <summary>An MCP tool result (<c>{"content":[{"type":"text","text":…}],"isError":…}</c>) becomes its text; other JSON stays JSON.</summary>
    private static string FromJson(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() ?? "";
        }

        // MCP tools surface their content blocks as AI content ({"text": …}, or a list of them).
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("text", out var single) && single.ValueKind == JsonValueKind.String
            && !element.EnumerateObject().Any(p => p.Name is not ("text" or "type" or "$type" or "annotations")))
        {
            return single.GetString() ?? "";
        }

        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0
            && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String))
        {
            return string.Join("\n", element.EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        }

        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            var text = new StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("text", out var t))
                {
                    text.Append(text.Length > 0 ? "\n" : "").Append(t.GetString());
                }
            }

            var isError = element.TryGetProperty("isError", out var error) && error.ValueKind == JsonValueKind.True;
            if (isError)
            {
                throw new InvalidOperationException(text.Length > 0 ? text.ToString() : "the MCP server reported an error");
            }

            return text.ToString();
        }

        return element.GetRawText();
    }
}
