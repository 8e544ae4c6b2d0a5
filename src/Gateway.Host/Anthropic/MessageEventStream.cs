using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.ServerSentEvents;

namespace Gateway.Host.Anthropic;

/// <summary>
/// Turns a streamed chat completion into the Messages API's events: <c>message_start</c> and a <c>ping</c>, then per
/// content block <c>content_block_start</c>, its deltas (<c>thinking_delta</c>, <c>text_delta</c> or
/// <c>input_json_delta</c>) and <c>content_block_stop</c>, one block open at a time; last <c>message_delta</c> (stop
/// reason and usage) and <c>message_stop</c>. A chat stream that ends in an error ends this one with an
/// <c>error</c> event, as Anthropic's does.
/// </summary>
internal sealed class MessageEventStream(HttpResponse http, MessagesTranslation request, string model)
{
    private readonly SseWriter _events = new(http);
    private readonly Dictionary<int, int> _toolBlocks = [];
    private int _blocks;
    private OpenBlock _open;
    private int _openIndex = -1;
    private string? _finish;
    private string? _matched;
    private JsonObject? _usage;

    private enum OpenBlock { None, Thinking, Text, ToolUse }

    public async Task RunAsync(Stream chat, CancellationToken cancellationToken)
    {
        SseWriter.SetHeaders(http);
        Write("message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = MessageObject.NewId(),
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                // The prompt's count comes with the chat stream's last chunk; message_delta carries it.
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        });
        Write("ping", new JsonObject());
        await _events.FlushAsync(cancellationToken);

        await foreach (var data in SseDataReader.ReadAsync(chat, cancellationToken))
        {
            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "The model failed.";
                _events.Buffer("error", System.Text.Encoding.UTF8.GetString(AnthropicErrors.Serialize(AnthropicErrors.TypeForOpenAIType(type), message)));
                await _events.FlushAsync(cancellationToken);
                return;
            }

            Chunk(chunk.RootElement);
            await _events.FlushAsync(cancellationToken);
        }

        Close();
        var (reason, sequence) = MessageObject.StopReason(_finish, _matched, request.StopSequences);
        var usage = _usage ?? MessageObject.Usage(default);
        Write("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = reason, ["stop_sequence"] = sequence },
            ["usage"] = usage,
        });
        Write("message_stop", new JsonObject());
        await _events.FlushAsync(cancellationToken);
    }

    private void Chunk(JsonElement chunk)
    {
        if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            _usage = MessageObject.Usage(usage);
        }

        if (!chunk.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
            || choices[0] is not { ValueKind: JsonValueKind.Object } choice)
        {
            return;
        }

        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            if (request.Thinking && MessageObject.Reasoning(delta) is { Length: > 0 } reasoning)
            {
                Delta(OpenBlock.Thinking, MessageObject.ThinkingBlock(""), new JsonObject { ["type"] = "thinking_delta", ["thinking"] = reasoning });
            }

            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
            {
                Delta(OpenBlock.Text, MessageObject.TextBlock(""), new JsonObject { ["type"] = "text_delta", ["text"] = text });
            }

            if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
                {
                    ToolCall(call);
                }
            }
        }

        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            _finish = finish.GetString();
            _matched = MessageObject.MatchedStop(choice);
        }
    }

    /// <summary>Adds to the open thinking or text block, first closing a block of another kind and opening one of this kind.</summary>
    private void Delta(OpenBlock kind, JsonObject start, JsonObject delta)
    {
        if (_open != kind)
        {
            Close();
            Start(kind, start);
        }

        Write("content_block_delta", new JsonObject { ["index"] = _openIndex, ["delta"] = delta });
    }

    private void ToolCall(JsonElement call)
    {
        var position = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        if (!_toolBlocks.TryGetValue(position, out var index))
        {
            Close();
            var id = call.TryGetProperty("id", out var callId) && callId.ValueKind == JsonValueKind.String ? callId.GetString()! : MessageObject.NewToolUseId();
            var name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var nm) && nm.ValueKind == JsonValueKind.String ? nm.GetString()! : "";
            index = Start(OpenBlock.ToolUse, MessageObject.ToolUseBlock(id, name, new JsonObject()));
            _toolBlocks[position] = index;
        }

        if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var args)
            && args.ValueKind == JsonValueKind.String && args.GetString() is { Length: > 0 } fragment)
        {
            // A fragment for a call whose block has closed still goes to that block's index: nothing is lost.
            Write("content_block_delta", new JsonObject
            {
                ["index"] = index,
                ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = fragment },
            });
        }
    }

    private int Start(OpenBlock kind, JsonObject block)
    {
        _open = kind;
        _openIndex = _blocks++;
        Write("content_block_start", new JsonObject { ["index"] = _openIndex, ["content_block"] = block });
        return _openIndex;
    }

    private void Close()
    {
        if (_open == OpenBlock.None)
        {
            return;
        }

        Write("content_block_stop", new JsonObject { ["index"] = _openIndex });
        _open = OpenBlock.None;
    }

    /// <summary>Queues one event; the events a chunk makes go out together at the flush that follows it.</summary>
    private void Write(string type, JsonObject payload)
    {
        var data = new JsonObject { ["type"] = type };
        foreach (var (name, value) in payload.ToList())
        {
            payload.Remove(name);
            data[name] = value;
        }

        _events.Buffer(type, data.ToJsonString());
    }
}
