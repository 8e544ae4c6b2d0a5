using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.ServerSentEvents;

namespace Gateway.Host.Responses;

/// <summary>
/// Turns a streamed chat completion into the Responses API's server-sent events: <c>response.created</c>, then per
/// output item <c>output_item.added</c>, its deltas (<c>output_text.delta</c> or <c>function_call_arguments.delta</c>)
/// and their <c>done</c> events, and last <c>response.completed</c> (or <c>response.incomplete</c>, or
/// <c>response.failed</c> when the model's stream ends in an error).
/// </summary>
internal sealed class ResponseEventStream(HttpResponse http, ResponseObject response)
{
    private readonly SseWriter _events = new(http);
    private readonly Dictionary<int, ToolCallState> _calls = [];
    private int _sequence;
    private TextState? _text;

    private sealed class TextState(string id, int outputIndex)
    {
        public string Id { get; } = id;
        public int OutputIndex { get; } = outputIndex;
        public StringBuilder Text { get; } = new();
        public JsonArray Logprobs { get; } = [];
    }

    private sealed class ToolCallState(string id, int outputIndex, string callId, string name)
    {
        public string Id { get; } = id;
        public int OutputIndex { get; } = outputIndex;
        public string CallId { get; } = callId;
        public string Name { get; } = name;
        public StringBuilder Arguments { get; } = new();
        public bool Done { get; set; }
    }

    public async Task RunAsync(Stream chat, CancellationToken cancellationToken)
    {
        SseWriter.SetHeaders(http);
        Write("response.created", new JsonObject { ["response"] = response.ToJson("in_progress") });
        Write("response.in_progress", new JsonObject { ["response"] = response.ToJson("in_progress") });
        await _events.FlushAsync(cancellationToken);

        await foreach (var data in SseDataReader.ReadAsync(chat, cancellationToken))
        {
            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                Fail(error);
                await _events.FlushAsync(cancellationToken);
                return;
            }

            Chunk(chunk.RootElement);
            await _events.FlushAsync(cancellationToken);
        }

        CloseItems();
        var final = response.ToJson();
        Write(final["status"]!.GetValue<string>() == "incomplete" ? "response.incomplete" : "response.completed", new JsonObject { ["response"] = final });
        await _events.FlushAsync(cancellationToken);
    }

    private void Chunk(JsonElement chunk)
    {
        if (chunk.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            response.Model = model.GetString()!;
        }

        if (chunk.TryGetProperty("usage", out var usage) && ResponseObject.ConvertUsage(usage) is { } converted)
        {
            response.Usage = converted;
        }

        if (!chunk.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
            {
                Text(text, response.WantsLogprobs ? [.. ResponseObject.ChatLogprobs(choice)] : []);
            }

            if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    ToolCall(call);
                }
            }
        }

        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            response.FinishReason = finish.GetString();
        }
    }

    private void Text(string text, JsonArray logprobs)
    {
        if (_text is null)
        {
            _text = new TextState(ResponseObject.NewItemId("msg"), response.Output.Count);
            response.Output.Add(ResponseObject.MessageItem(_text.Id, "", "in_progress"));
            Write("response.output_item.added", new JsonObject
            {
                ["output_index"] = _text.OutputIndex,
                ["item"] = ResponseObject.MessageItem(_text.Id, "", "in_progress"),
            });
            Write("response.content_part.added", Part(_text, ResponseObject.TextPart("")));
        }

        _text.Text.Append(text);
        foreach (var token in logprobs)
        {
            _text.Logprobs.Add(token?.DeepClone());
        }
        Write("response.output_text.delta", new JsonObject
        {
            ["item_id"] = _text.Id,
            ["output_index"] = _text.OutputIndex,
            ["content_index"] = 0,
            ["delta"] = text,
            ["logprobs"] = logprobs,
        });
    }

    private void ToolCall(JsonElement call)
    {
        var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        if (!_calls.TryGetValue(index, out var state))
        {
            CloseText();
            var callId = call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : ResponseObject.NewItemId("call");
            var name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var nm) && nm.ValueKind == JsonValueKind.String ? nm.GetString()! : "";
            state = new ToolCallState(ResponseObject.NewItemId("fc"), response.Output.Count, callId, name);
            _calls[index] = state;
            response.Output.Add(ResponseObject.FunctionCallItem(state.Id, callId, name, "", "in_progress"));
            Write("response.output_item.added", new JsonObject
            {
                ["output_index"] = state.OutputIndex,
                ["item"] = ResponseObject.FunctionCallItem(state.Id, callId, name, "", "in_progress"),
            });
        }

        if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var args)
            && args.ValueKind == JsonValueKind.String && args.GetString() is { Length: > 0 } fragment)
        {
            state.Arguments.Append(fragment);
            Write("response.function_call_arguments.delta", new JsonObject
            {
                ["item_id"] = state.Id,
                ["output_index"] = state.OutputIndex,
                ["delta"] = fragment,
            });
        }
    }

    private void CloseText()
    {
        if (_text is null)
        {
            return;
        }

        var text = _text.Text.ToString();
        var logprobs = response.WantsLogprobs ? _text.Logprobs : null;
        Write("response.output_text.done", new JsonObject
        {
            ["item_id"] = _text.Id,
            ["output_index"] = _text.OutputIndex,
            ["content_index"] = 0,
            ["text"] = text,
            ["logprobs"] = _text.Logprobs.DeepClone(),
        });
        Write("response.content_part.done", Part(_text, ResponseObject.TextPart(text, logprobs)));
        var item = ResponseObject.MessageItem(_text.Id, text, "completed", logprobs);
        response.Output[_text.OutputIndex] = item;
        Write("response.output_item.done", new JsonObject { ["output_index"] = _text.OutputIndex, ["item"] = item.DeepClone() });
        _text = null;
    }

    private void CloseItems()
    {
        CloseText();
        foreach (var state in _calls.Values.Where(c => !c.Done).OrderBy(c => c.OutputIndex))
        {
            var arguments = state.Arguments.ToString();
            Write("response.function_call_arguments.done", new JsonObject
            {
                ["item_id"] = state.Id,
                ["output_index"] = state.OutputIndex,
                ["name"] = state.Name,
                ["arguments"] = arguments,
            });
            var item = ResponseObject.FunctionCallItem(state.Id, state.CallId, state.Name, arguments, "completed");
            response.Output[state.OutputIndex] = item;
            Write("response.output_item.done", new JsonObject { ["output_index"] = state.OutputIndex, ["item"] = item.DeepClone() });
            state.Done = true;
        }
    }

    private void Fail(JsonElement error)
    {
        var failed = response.ToJson("failed");
        failed["error"] = new JsonObject
        {
            ["code"] = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : "server_error",
            ["message"] = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "The model failed.",
        };
        Write("response.failed", new JsonObject { ["response"] = failed });
    }

    private static JsonObject Part(TextState text, JsonObject part) => new()
    {
        ["item_id"] = text.Id,
        ["output_index"] = text.OutputIndex,
        ["content_index"] = 0,
        ["part"] = part,
    };

    /// <summary>Queues one event; the events a chunk makes go out together at the flush that follows it.</summary>
    private void Write(string type, JsonObject payload)
    {
        var data = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
        foreach (var (name, value) in payload.ToList())
        {
            payload.Remove(name);
            data[name] = value;
        }

        _events.Buffer(type, data.ToJsonString());
    }
}
