using System.Text.Json;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>
/// A <see cref="FakeUpstream.Handler"/> that answers every body, however malformed, with a canned chat completion,
/// completion or embedding (streamed when the body's top-level <c>stream</c> is <c>true</c>), and never with a 5xx:
/// behind it, any 5xx a caller sees is the gateway's own.
/// </summary>
internal static class TolerantUpstream
{
    public static async Task HandleAsync(HttpContext context)
    {
        var (stream, includeUsage) = Flags(FakeUpstream.RecordedOf(context).Body);
        var path = context.Request.Path.Value ?? "";
        if (path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"object":"list","model":"fuzz","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],"usage":{"prompt_tokens":2,"total_tokens":2}}""");
            return;
        }

        var chat = !path.EndsWith("/v1/completions", StringComparison.Ordinal);
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(chat
                ? """{"id":"chatcmpl-fuzz","object":"chat.completion","created":1,"model":"fuzz","choices":[{"index":0,"message":{"role":"assistant","content":"canned answer"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"""
                : """{"id":"cmpl-fuzz","object":"text_completion","created":1,"model":"fuzz","choices":[{"index":0,"text":"canned answer","finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""");
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var chunk = chat
            ? """{"id":"chatcmpl-fuzz","object":"chat.completion.chunk","created":1,"model":"fuzz","choices":[{"index":0,"delta":{"role":"assistant","content":"canned"},"finish_reason":null}]}"""
            : """{"id":"cmpl-fuzz","object":"text_completion","created":1,"model":"fuzz","choices":[{"index":0,"text":"canned","finish_reason":null}]}""";
        var last = chat
            ? """{"id":"chatcmpl-fuzz","object":"chat.completion.chunk","created":1,"model":"fuzz","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""
            : """{"id":"cmpl-fuzz","object":"text_completion","created":1,"model":"fuzz","choices":[{"index":0,"text":"","finish_reason":"stop"}]}""";
        var usage = """{"id":"fuzz","object":"chat.completion.chunk","created":1,"model":"fuzz","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";
        var events = "data: " + chunk + "\n\ndata: " + last + "\n\n" + (includeUsage ? "data: " + usage + "\n\n" : "") + "data: [DONE]\n\n";
        await context.Response.WriteAsync(events);
    }

    /// <summary>The body's top-level <c>stream</c> and <c>stream_options.include_usage</c>, false for anything but <c>true</c>.</summary>
    private static (bool Stream, bool IncludeUsage) Flags(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 1024 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (false, false);
            }

            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var usage = root.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
            return (stream, usage);
        }
        catch (JsonException)
        {
            return (false, false);
        }
    }
}
