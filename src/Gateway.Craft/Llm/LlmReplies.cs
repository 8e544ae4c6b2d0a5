using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Craft.Llm;

/// <summary>Pulls code and JSON out of a model's free-form reply.</summary>
internal static partial class LlmReplies
{
    /// <summary>
    /// The first fenced code block that defines a function, else the reply itself when it starts with code;
    /// null when there is no code.
    /// </summary>
    public static string? ExtractCode(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return null;
        }

        foreach (Match block in FencePattern().Matches(reply))
        {
            var code = block.Groups["code"].Value.Trim();
            if (code.Contains("function", StringComparison.Ordinal) || code.Contains("=>", StringComparison.Ordinal))
            {
                return code;
            }
        }

        var start = reply.IndexOf("function ", StringComparison.Ordinal);
        return start >= 0 ? reply[start..].Trim() : null;
    }

    /// <summary>The first JSON object in the reply (fenced or bare); null when there is none.</summary>
    public static JsonObject? ExtractJsonObject(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return null;
        }

        var candidates = FencePattern().Matches(reply).Select(m => m.Groups["code"].Value).Append(reply);
        foreach (var text in candidates)
        {
            for (var start = text.IndexOf('{', StringComparison.Ordinal); start >= 0; start = text.IndexOf('{', start + 1))
            {
                var end = text.LastIndexOf('}');
                while (end > start)
                {
                    if (TryParseObject(text[start..(end + 1)]) is { } parsed)
                    {
                        return parsed;
                    }

                    end = text.LastIndexOf('}', end - 1);
                }
            }
        }

        return null;
    }

    private static JsonObject? TryParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"```[A-Za-z]*[ \t]*\r?\n(?<code>.*?)```", RegexOptions.Singleline, 1000)]
    private static partial Regex FencePattern();
}
