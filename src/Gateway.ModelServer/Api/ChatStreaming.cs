using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Inference.Protocol;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>Writes a chat generation as OpenAI <c>chat.completion.chunk</c> server-sent events.</summary>
internal static class ChatStreaming
{
    public static async Task WriteAsync(HttpContext http, GenerationJob job, ChatRequest request, string id, long created, string model)
    {
        var sse = await Sse.StartAsync(http);
        var aborted = http.RequestAborted;
        var parser = request.ToolMode != ToolMode.None ? new ToolCallStreamParser() : null;
        JsonObject Chunk(JsonObject delta, string? finish = null) => new()
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish }),
        };

        try
        {
            await sse.WriteAsync(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }), aborted);
            var textChunk = TextChunkTemplate(id, created, model);
            while (await job.Events.WaitToReadAsync(aborted))
            {
                // Everything already generated goes out in one write and one flush.
                while (job.Events.TryPeek(out var pending) && pending is GenerationEvent.Text && job.Events.TryRead(out var next))
                {
                    var t = (GenerationEvent.Text)next;
                    if (parser is null)
                    {
                        sse.Buffer(textChunk.Prefix + JsonSerializer.Serialize(t.Content) + textChunk.Suffix);
                        continue;
                    }
                    foreach (var delta in parser.Push(t.Content))
                    {
                        sse.Buffer(Chunk(Delta(delta)).ToJsonString());
                    }
                }
                await sse.FlushAsync(aborted);
                if (!job.Events.TryPeek(out var head) || head is GenerationEvent.Text || !job.Events.TryRead(out var e))
                {
                    continue;
                }
                switch (e)
                {
                    case GenerationEvent.Finished f:
                        foreach (var delta in parser?.Complete() ?? [])
                        {
                            await sse.WriteAsync(Chunk(Delta(delta)), aborted);
                        }
                        var reason = parser is { IsToolCall: true } && f.FinishReason == "stop" ? "tool_calls" : f.FinishReason;
                        await sse.WriteAsync(Chunk([], reason), aborted);
                        if (request.IncludeUsage)
                        {
                            var usage = Chunk([]);
                            usage["choices"] = new JsonArray();
                            usage["usage"] = ChatEndpoints.Usage(f);
                            await sse.WriteAsync(usage, aborted);
                        }
                        break;
                    case GenerationEvent.Failed failed:
                        await sse.WriteAsync(OpenAiErrors.Body(failed.Message, "server_error", null, "generation_failed"), aborted);
                        break;
                }
            }
            await sse.DoneAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client disconnected; the scheduler has already freed the sequence.
        }
    }

    /// <summary>A content chunk split around its content, so the hot path only escapes the new text.</summary>
    private static (string Prefix, string Suffix) TextChunkTemplate(string id, long created, string model)
    {
        const string Marker = "\u0000MARK\u0000";
        var json = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = "" }, ["logprobs"] = null, ["finish_reason"] = null }),
        }.ToJsonString().Replace("\"content\":\"\"", "\"content\":" + Marker, StringComparison.Ordinal);
        var at = json.IndexOf(Marker, StringComparison.Ordinal);
        return (json[..at], json[(at + Marker.Length)..]);
    }

    private static JsonObject Delta(ToolStreamEvent e) => e switch
    {
        ToolStreamEvent.Text t => new JsonObject { ["content"] = t.Content },
        ToolStreamEvent.CallStarted c => new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["id"] = "call_" + Guid.NewGuid().ToString("N")[..24],
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = "" },
            }),
        },
        ToolStreamEvent.Arguments a => new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = a.Fragment } }),
        },
        _ => [],
    };
}
