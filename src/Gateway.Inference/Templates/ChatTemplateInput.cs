using System.Text;
using System.Text.Json;

namespace Gateway.Inference.Templates;

/// <summary>
/// Turns an OpenAI chat request's <c>messages</c> and <c>tools</c> into the values a chat template reads, the way
/// llama-server prepares them: content as one string (text parts joined, missing content as ""), <c>developer</c>
/// as <c>system</c>, tool-call arguments parsed from their JSON text into objects (templates write them with
/// <c>tojson</c> or walk their keys), tool results with their <c>tool_call_id</c> and <c>name</c> kept.
/// </summary>
internal static class ChatTemplateInput
{
    /// <summary>The messages; the request parser has validated their roles and shapes already.</summary>
    public static JArray Messages(JsonElement messages)
    {
        var result = new JArray();
        foreach (var message in messages.EnumerateArray())
        {
            var converted = (JObject)TemplateValue.FromJson(message)!;
            if (converted.GetValueOrDefault("role") is "developer")
            {
                converted["role"] = "system";
            }
            converted["content"] = Content(message);
            if (converted.GetValueOrDefault("tool_calls") is JArray calls)
            {
                foreach (var call in calls)
                {
                    if (call is JObject { } c && c.GetValueOrDefault("function") is JObject function && function.GetValueOrDefault("arguments") is string text)
                    {
                        function["arguments"] = ParseArguments(text);
                    }
                }
            }
            result.Add(converted);
        }
        return result;
    }

    /// <summary>The tools offered, or null when there are none (templates then see <c>tools</c> undefined).</summary>
    public static JArray? Tools(JsonElement body) =>
        body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0
            ? (JArray)TemplateValue.FromJson(tools)!
            : null;

    /// <summary>A message's content as one string: text parts are concatenated, a missing or null content is "".</summary>
    public static string Content(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return "";
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            return "";
        }
        var sb = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                sb.Append(text.GetString());
            }
        }
        return sb.ToString();
    }

    private static object? ParseArguments(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return TemplateValue.FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON: the template gets the text as the caller sent it.
            return text;
        }
    }
}
