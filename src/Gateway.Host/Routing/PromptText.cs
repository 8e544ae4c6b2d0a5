using System.Text;
using System.Text.Json;
using Gateway.Host.FrontDoor;

namespace Gateway.Host.Routing;

/// <summary>The text a model will read, as the router sees it: chat messages joined, or the completion prompt.</summary>
internal static class PromptText
{
    public static string Extract(JsonElement root, OpenAIOperation operation)
    {
        var text = new StringBuilder();
        if (operation == OpenAIOperation.ChatCompletions && root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content))
                {
                    Append(text, content);
                }
            }
        }
        else if (root.TryGetProperty(operation == OpenAIOperation.Completions ? "prompt" : "input", out var prompt))
        {
            Append(text, prompt);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                if (text.Length > 0) { text.Append('\n'); }
                text.Append(content.GetString());
                break;
            case JsonValueKind.Array:
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var partText))
                    {
                        Append(text, partText);
                    }
                    else
                    {
                        Append(text, part);
                    }
                }

                break;
        }
    }
}
