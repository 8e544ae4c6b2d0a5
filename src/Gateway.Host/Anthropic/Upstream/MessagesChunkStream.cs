using System.Buffers;
using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Resilience;
using Gateway.ServerSentEvents;

namespace Gateway.Host.Anthropic.Upstream;

/// <summary>
/// An Anthropic upstream's event stream read as a chat completion stream: <c>message_start</c> becomes the first
/// chunk (the assistant's role), <c>text_delta</c> <c>content</c>, <c>thinking_delta</c> <c>reasoning_content</c>,
/// each <c>tool_use</c> block a tool call (its id and name first, then every <c>input_json_delta</c> as an
/// <c>arguments</c> delta), <c>message_delta</c> the chunk with <c>finish_reason</c>, and <c>message_stop</c> the
/// usage chunk (no choices, as <c>stream_options.include_usage</c> asks) and <c>[DONE]</c>. <c>ping</c> is dropped;
/// an <c>error</c> event, or an end before <c>message_stop</c>, becomes the chat stream's error event.
/// </summary>
internal sealed class MessagesChunkStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly int _maxEventBytes;
    private readonly long _created;
    private readonly string _modelName;
    private byte[] _events = new byte[8192];
    private int _eventsLength;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private int _outputStart;
    private bool _finished;
    private string _id = "chatcmpl-anthropic";
    private string _model = "";
    private JsonElement _startUsage;
    private JsonDocument? _start;
    private int _toolCalls;
    private int _toolBlock = -1;

    /// <param name="inner">The upstream's event stream.</param>
    /// <param name="maxEventBytes">Largest event accepted (the model's <c>MaxEventBytes</c>).</param>
    /// <param name="created">The chunks' <c>created</c>, Unix seconds.</param>
    /// <param name="modelName">The catalog name, for error messages.</param>
    public MessagesChunkStream(Stream inner, int maxEventBytes, long created, string modelName)
    {
        _inner = inner;
        _maxEventBytes = maxEventBytes;
        _created = created;
        _modelName = modelName;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            var pending = _output.WrittenCount - _outputStart;
            if (pending > 0)
            {
                var count = Math.Min(buffer.Length, pending);
                _output.WrittenSpan.Slice(_outputStart, count).CopyTo(buffer.Span);
                _outputStart += count;
                return count;
            }

            _output.ResetWrittenCount();
            _outputStart = 0;
            if (_finished)
            {
                return 0;
            }

            if (_events.Length - _eventsLength < 4096)
            {
                Array.Resize(ref _events, Math.Min(_events.Length * 2, _maxEventBytes + 8192));
            }

            // Errors reading the upstream pass on: the front door's stream observer ends the stream with its own event.
            var read = await _inner.ReadAsync(_events.AsMemory(_eventsLength), cancellationToken);
            if (read == 0)
            {
                Fail("the stream ended before message_stop");
                continue;
            }

            _eventsLength += read;
            Process();
            if (_eventsLength > _maxEventBytes)
            {
                Fail($"an event was larger than {_maxEventBytes} bytes");
            }
        }
    }

    private void Process()
    {
        var consumed = 0;
        while (!_finished)
        {
            var span = _events.AsSpan(consumed, _eventsLength - consumed);
            var end = SseFraming.EventEnd(span);
            if (end < 0)
            {
                break;
            }

            Translate(span[..end]);
            consumed += end;
        }

        if (_finished)
        {
            // An error event ended the stream (and dropped what was buffered): nothing is left to keep.
            _eventsLength = 0;
            return;
        }

        _events.AsSpan(consumed, _eventsLength - consumed).CopyTo(_events);
        _eventsLength -= consumed;
    }

    /// <summary>The event's data: its <c>data:</c> line, which Anthropic sends after the <c>event:</c> line.</summary>
    private static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> @event)
    {
        while (!@event.IsEmpty)
        {
            var newline = @event.IndexOf((byte)'\n');
            var line = newline < 0 ? @event : @event[..newline];
            if (line.StartsWith(SseFraming.DataFieldUtf8))
            {
                return line[SseFraming.DataFieldUtf8.Length..].TrimEnd("\r"u8);
            }

            @event = newline < 0 ? default : @event[(newline + 1)..];
        }

        return default;
    }

    private void Translate(ReadOnlySpan<byte> @event)
    {
        var data = Data(@event);
        if (data.IsEmpty)
        {
            return;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = JsonLimits.MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            Fail("an event was not JSON");
            return;
        }

        var keep = false;
        try
        {
            var root = document.RootElement;
            switch (MessagesToChat.String(root, "type"))
            {
                case "message_start":
                    var message = root.TryGetProperty("message", out var m) ? m : default;
                    _id = "chatcmpl-" + MessagesToChat.String(message, "id");
                    _model = MessagesToChat.String(message, "model");
                    _startUsage = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("usage", out var u) ? u : default;
                    _start?.Dispose();
                    _start = document;
                    keep = true;
                    Chunk(static (w, _) => { w.WriteString("role", "assistant"); w.WriteString("content", ""); }, root);
                    break;
                case "content_block_start":
                    Start(root);
                    break;
                case "content_block_delta":
                    Delta(root);
                    break;
                case "message_delta":
                    var delta = root.TryGetProperty("delta", out var d) ? d : default;
                    var stop = MessagesToChat.String(delta, "stop_reason");
                    Chunk(static (_, _) => { }, root, MessagesToChat.FinishReason(stop), delta);
                    if (root.TryGetProperty("usage", out var final))
                    {
                        UsageChunk(final);
                    }

                    break;
                case "message_stop":
                    _output.Write(SseFraming.DoneEvent);
                    _finished = true;
                    break;
                case "error":
                    var error = root.TryGetProperty("error", out var e) ? e : default;
                    Fail($"{MessagesToChat.String(error, "type")}: {MessagesToChat.String(error, "message")}");
                    break;
            }
        }
        finally
        {
            if (!keep)
            {
                document.Dispose();
            }
        }
    }

    private void Start(JsonElement root)
    {
        var block = root.TryGetProperty("content_block", out var b) ? b : default;
        switch (MessagesToChat.String(block, "type"))
        {
            case "tool_use":
                _toolBlock = root.TryGetProperty("index", out var i) && i.TryGetInt32(out var index) ? index : -1;
                var call = _toolCalls++;
                Chunk((w, state) =>
                {
                    w.WriteStartArray("tool_calls");
                    w.WriteStartObject();
                    w.WriteNumber("index", call);
                    w.WriteString("id", MessagesToChat.String(state, "id"));
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", MessagesToChat.String(state, "name"));
                    w.WriteString("arguments", "");
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                }, block);
                break;
            case "text" when MessagesToChat.String(block, "text") is { Length: > 0 } text:
                Chunk(static (w, s) => w.WriteString("content", MessagesToChat.String(s, "text")), block);
                break;
        }
    }

    private void Delta(JsonElement root)
    {
        var delta = root.TryGetProperty("delta", out var d) ? d : default;
        switch (MessagesToChat.String(delta, "type"))
        {
            case "text_delta":
                Chunk(static (w, s) => w.WriteString("content", MessagesToChat.String(s, "text")), delta);
                break;
            case "thinking_delta":
                Chunk(static (w, s) => w.WriteString("reasoning_content", MessagesToChat.String(s, "thinking")), delta);
                break;
            case "input_json_delta" when root.TryGetProperty("index", out var i) && i.TryGetInt32(out var index) && index == _toolBlock:
                var call = _toolCalls - 1;
                Chunk((w, s) =>
                {
                    w.WriteStartArray("tool_calls");
                    w.WriteStartObject();
                    w.WriteNumber("index", call);
                    w.WriteStartObject("function");
                    w.WriteString("arguments", MessagesToChat.String(s, "partial_json"));
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                }, delta);
                break;
        }
    }

    /// <summary>Writes one chunk: <paramref name="writeDelta"/> fills its <c>delta</c>.</summary>
    private void Chunk(Action<Utf8JsonWriter, JsonElement> writeDelta, JsonElement state, string? finish = null, JsonElement stopHolder = default)
    {
        _output.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(_output, GatewayErrorWriter.WriterOptions))
        {
            Header(writer);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("delta");
            writeDelta(writer, state);
            writer.WriteEndObject();
            if (finish is null)
            {
                writer.WriteNull("finish_reason");
            }
            else
            {
                writer.WriteString("finish_reason", finish);
                MessagesToChat.WriteMatchedStop(writer, MessagesToChat.String(stopHolder, "stop_reason"), stopHolder);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        _output.Write("\n\n"u8);
    }

    private void UsageChunk(JsonElement usage)
    {
        _output.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(_output, GatewayErrorWriter.WriterOptions))
        {
            Header(writer);
            writer.WriteStartArray("choices");
            writer.WriteEndArray();
            MessagesToChat.WriteUsage(writer, usage, _startUsage);
            writer.WriteEndObject();
        }

        _output.Write("\n\n"u8);
    }

    private void Header(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", _id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", _created);
        writer.WriteString("model", _model);
    }

    private void Fail(string why)
    {
        _output.Write(SseFraming.ErrorEvent(GatewayError.Upstream(502,
            $"The upstream for model '{_modelName}' (remote Anthropic upstream) failed mid-stream: {why}", "upstream_stream_error")));
        _finished = true;
        _eventsLength = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _start?.Dispose();
        }

        base.Dispose(disposing);
    }
}
