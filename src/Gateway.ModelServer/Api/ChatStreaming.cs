using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Inference.Protocol.ToolFormats;
using Gateway.ModelServer.Engine;
using Gateway.ServerSentEvents;

namespace Gateway.ModelServer.Api;

/// <summary>Writes a chat generation as OpenAI <c>chat.completion.chunk</c> server-sent events.</summary>
internal static class ChatStreaming
{
    public static async Task WriteAsync(HttpContext http, GenerationJob job, ChatRequest request, string id, long created, string model)
    {
        var sse = await SseWriter.StartAsync(http);
        var aborted = http.RequestAborted;
        var parser = job.Chat!.Parser();
        var tokens = new List<TokenLogprob>();
        JsonObject Chunk(JsonObject delta, string? finish = null, bool withLogprobs = false)
        {
            JsonNode? logprobs = null;
            if (withLogprobs && tokens.Count > 0)
            {
                logprobs = LogprobsJson.Chat(tokens);
                tokens.Clear();
            }
            return new()
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = logprobs, ["finish_reason"] = finish }),
            };
        }

        try
        {
            await sse.WriteAsync(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }).ToJsonString(), aborted);
            var textChunk = TextChunkTemplate(id, created, model);
            while (await job.Events.WaitToReadAsync(aborted))
            {
                // Everything already generated goes out in one write and one flush; a token's log probability comes
                // before its text and rides on the chunk that carries that text.
                while (job.Events.TryPeek(out var pending) && pending is GenerationEvent.Text or GenerationEvent.Logprob && job.Events.TryRead(out var next))
                {
                    if (next is GenerationEvent.Logprob l)
                    {
                        tokens.Add(l.Token);
                        continue;
                    }
                    foreach (var delta in parser.Push(((GenerationEvent.Text)next).Content))
                    {
                        sse.Buffer(delta is AssistantDelta.Content c && tokens.Count == 0
                            ? textChunk.Prefix + JsonSerializer.Serialize(c.Text) + textChunk.Suffix
                            : Chunk(Delta(delta), withLogprobs: delta is AssistantDelta.Content).ToJsonString());
                        if (delta is not AssistantDelta.Content)
                        {
                            tokens.Clear(); // Reasoning and tool calls are not content; their tokens have no log probabilities.
                        }
                    }
                }
                await sse.FlushAsync(aborted);
                if (!job.Events.TryPeek(out var head) || head is GenerationEvent.Text or GenerationEvent.Logprob || !job.Events.TryRead(out var e))
                {
                    continue;
                }
                switch (e)
                {
                    case GenerationEvent.Finished f:
                        foreach (var delta in parser.Complete())
                        {
                            await sse.WriteAsync(Chunk(Delta(delta), withLogprobs: delta is AssistantDelta.Content).ToJsonString(), aborted);
                        }
                        if (parser.HasToolCalls)
                        {
                            tokens.Clear();
                        }
                        var reason = parser.HasToolCalls && f.FinishReason == "stop" ? "tool_calls" : f.FinishReason;

                        // Tokens whose text never went out (those that made up a stop sequence) ride on the last chunk.
                        var last = Chunk([], reason, withLogprobs: true);
                        ChatEndpoints.AddMatchedStop(last["choices"]![0]!.AsObject(), reason, f);
                        await sse.WriteAsync(last.ToJsonString(), aborted);
                        if (request.IncludeUsage)
                        {
                            var usage = Chunk([]);
                            usage["choices"] = new JsonArray();
                            usage["usage"] = ChatEndpoints.Usage(f);
                            await sse.WriteAsync(usage.ToJsonString(), aborted);
                        }
                        break;
                    case GenerationEvent.Failed failed:
                        await sse.WriteErrorAsync(ModelServerErrors.GenerationFailed(failed.Message), aborted);
                        break;
                }
            }
            await sse.WriteDoneAsync(aborted);
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

    private static JsonObject Delta(AssistantDelta e) => e switch
    {
        AssistantDelta.Content c => new JsonObject { ["content"] = c.Text },
        AssistantDelta.Reasoning r => new JsonObject { ["reasoning_content"] = r.Text },
        AssistantDelta.CallStarted c => new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = c.Index,
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = "" },
            }),
        },
        AssistantDelta.CallArguments a => new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = a.Index, ["function"] = new JsonObject { ["arguments"] = a.Fragment } }),
        },
        _ => [],
    };
}
