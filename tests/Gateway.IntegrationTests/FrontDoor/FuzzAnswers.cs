using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>The answer to a <see cref="FuzzRequest"/>: its status, body and content type, or why none came.</summary>
internal sealed record FuzzResult(FuzzRequest Request, int Status, byte[] Body, string? MediaType, string? Error);

/// <summary>
/// The rules every fuzzed answer keeps: an answer comes; no 5xx; a body over the limit is a 413 (for a caller with a
/// key); a 4xx carries OpenAI's error shape (Anthropic's under <c>/v1/messages</c>; on <c>/mcp</c> a JSON-RPC error or a tool error is fine); a stream
/// carries no error event.
/// </summary>
internal static class FuzzAnswers
{
    /// <summary>What is wrong with an answer, or null.</summary>
    public static string? Problem(FuzzResult result)
    {
        if (result.Error is not null)
        {
            return "no answer: " + result.Error;
        }

        if (result.Status >= 500)
        {
            return "server error";
        }

        if (result.Request.OverLimit && result.Request.Key is (FuzzKey.User or FuzzKey.Admin) && result.Status != 413)
        {
            return "a body over the limit, not refused with 413";
        }

        if (result.Request.Path == FrontDoorFuzzCorpus.Mcp)
        {
            // JSON-RPC errors and tool errors have their own shapes; only the status matters.
            return null;
        }

        if (result.Status >= 400 && result.Request.Path.StartsWith(FrontDoorFuzzCorpus.Messages, StringComparison.Ordinal))
        {
            return AnthropicError(result.Body) ? null : "a 4xx without Anthropic's error shape";
        }

        if (result.Status >= 400)
        {
            return OpenAIError(result.Body) ? null : "a 4xx without OpenAI's error shape";
        }

        return result.MediaType == "text/event-stream" ? StreamError(result.Body) : null;
    }

    /// <summary><c>{"type":"error","error":{"type","message"}}</c>.</summary>
    private static bool AnthropicError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var kind) && kind.ValueEquals("error")
                && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                && error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool OpenAIError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                && error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A stream that carries an error event (chat's <c>error</c> object, the Responses API's <c>error</c> or <c>response.failed</c>).</summary>
    private static string? StreamError(byte[] body)
    {
        foreach (var line in Encoding.UTF8.GetString(body).Split('\n'))
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal) || line.Contains("[DONE]", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line[5..]);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null
                    || root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is "error" or "response.failed"))
                {
                    return "a stream with an error event: " + line[..Math.Min(line.Length, 300)];
                }
            }
            catch (JsonException)
            {
                return "a stream event that is not JSON: " + line[..Math.Min(line.Length, 300)];
            }
        }

        return null;
    }
}
