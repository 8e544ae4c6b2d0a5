using System.Text;
using System.Text.Json;
using Gateway.Host.FrontDoor;

namespace Gateway.Host.Routing;

/// <summary>The text a model will read, as the router sees it: chat messages joined, or the completion prompt.</summary>
internal static class PromptText
{
    public static string Extract(JsonElement root, OpenAIOperation operation) => Extract(root, operation, int.MaxValue, out _);

    /// <summary>
    /// The prompt's first <paramref name="maxChars"/> characters; <paramref name="totalChars"/> is the whole prompt's
    /// length, so a long prompt's size still counts where the router prices it.
    /// </summary>
    public static string Extract(JsonElement root, OpenAIOperation operation, int maxChars, out long totalChars)
    {
        var text = new Builder(maxChars);
        if (operation == OpenAIOperation.ChatCompletions && root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content))
                {
                    Append(ref text, content);
                }
            }
        }
        else if (root.TryGetProperty(operation == OpenAIOperation.Completions ? "prompt" : "input", out var prompt))
        {
            Append(ref text, prompt);
        }

        totalChars = text.Total;
        return text.Text.ToString();
    }

    private static void Append(ref Builder text, JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                text.Add(content);
                break;
            case JsonValueKind.Array:
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var partText))
                    {
                        Append(ref text, partText);
                    }
                    else
                    {
                        Append(ref text, part);
                    }
                }

                break;
        }
    }

    /// <summary>Joins strings with newlines, keeping at most the first <c>max</c> characters and counting the rest.</summary>
    private struct Builder(int max)
    {
        public StringBuilder Text { get; } = new();

        public long Total { get; private set; }

        public void Add(JsonElement value)
        {
            if (Total > 0)
            {
                Total++;
                if (Text.Length < max) { Text.Append('\n'); }
            }

            if (Text.Length >= max)
            {
                // Past the cap only the length matters, and its raw JSON length (less the quotes) is near enough.
                Total += System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value).Length - 2;
                return;
            }

            var s = value.GetString()!;
            Total += s.Length;
            Text.Append(s, 0, Math.Min(s.Length, max - Text.Length));
        }
    }
}
