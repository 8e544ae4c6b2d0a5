using System.Buffers;
using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Host.Anthropic.Upstream;

/// <summary>
/// An Anthropic upstream's answers as chat completion answers: a <c>message</c> as a <c>chat.completion</c> (text
/// joined into <c>content</c>, <c>tool_use</c> blocks as <c>tool_calls</c>, thinking as <c>reasoning_content</c>),
/// <c>stop_reason</c> as <c>finish_reason</c>, usage in OpenAI's names (written last, where the front door reads it),
/// and Anthropic's error envelope as OpenAI's.
/// </summary>
internal static class MessagesToChat
{
    /// <summary>
    /// The <c>finish_reason</c> of a <c>stop_reason</c>: <c>max_tokens</c> (and <c>model_context_window_exceeded</c>)
    /// is <c>length</c>, <c>tool_use</c> <c>tool_calls</c>, <c>refusal</c> <c>content_filter</c>, the rest <c>stop</c>.
    /// </summary>
    public static string FinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    /// <summary>A whole <c>message</c> as a <c>chat.completion</c>, UTF-8 JSON; null when the body is no message.</summary>
    public static byte[]? Completion(ReadOnlySpan<byte> body, long created)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = JsonLimits.MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var message = document.RootElement;
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var text = new System.Text.StringBuilder();
            var thinking = new System.Text.StringBuilder();
            var output = new ArrayBufferWriter<byte>(body.Length + 256);
            using var writer = new Utf8JsonWriter(output, GatewayErrorWriter.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("id", "chatcmpl-" + String(message, "id"));
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", created);
            writer.WriteString("model", String(message, "model"));
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            var calls = 0;
            foreach (var block in content.EnumerateArray())
            {
                switch (String(block, "type"))
                {
                    case "text":
                        text.Append(String(block, "text"));
                        break;
                    case "thinking":
                        thinking.Append(String(block, "thinking"));
                        break;
                    case "tool_use":
                        if (calls++ == 0)
                        {
                            writer.WriteStartArray("tool_calls");
                        }

                        writer.WriteStartObject();
                        writer.WriteString("id", String(block, "id"));
                        writer.WriteString("type", "function");
                        writer.WriteStartObject("function");
                        writer.WriteString("name", String(block, "name"));
                        writer.WriteString("arguments", block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                        break;
                }
            }

            if (calls > 0)
            {
                writer.WriteEndArray();
            }

            if (text.Length > 0 || calls == 0)
            {
                writer.WriteString("content", text.ToString());
            }
            else
            {
                writer.WriteNull("content");
            }

            if (thinking.Length > 0)
            {
                writer.WriteString("reasoning_content", thinking.ToString());
            }

            writer.WriteEndObject();
            var stopReason = message.TryGetProperty("stop_reason", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            writer.WriteString("finish_reason", FinishReason(stopReason));
            WriteMatchedStop(writer, stopReason, message);
            writer.WriteEndObject();
            writer.WriteEndArray();
            WriteUsage(writer, message.TryGetProperty("usage", out var usage) ? usage : default, default);
            writer.WriteEndObject();
            writer.Flush();
            return output.WrittenSpan.ToArray();
        }
    }

    /// <summary>The stop sequence met, as vLLM names it (<c>stop_reason</c> on the choice), so a caller can tell which.</summary>
    public static void WriteMatchedStop(Utf8JsonWriter writer, string? stopReason, JsonElement holder)
    {
        if (stopReason == "stop_sequence" && holder.TryGetProperty("stop_sequence", out var sequence) && sequence.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("stop_reason", sequence.GetString());
        }
    }

    /// <summary>
    /// <c>usage</c> in OpenAI's names: every prompt token Anthropic counts (cache reads and writes included) is a
    /// prompt token, the cache reads also <c>cached_tokens</c>. <paramref name="start"/>, when given, is the
    /// <c>message_start</c> usage a stream's final usage adds to.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, JsonElement usage, JsonElement start)
    {
        var cached = Read(usage, "cache_read_input_tokens", start);
        var prompt = Read(usage, "input_tokens", start) + cached + Read(usage, "cache_creation_input_tokens", start);
        var completion = Read(usage, "output_tokens", start);
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", prompt);
        writer.WriteNumber("completion_tokens", completion);
        writer.WriteNumber("total_tokens", prompt + completion);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", cached);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // A stream's message_delta carries cumulative counts, but not always the prompt's; message_start has those.
    private static long Read(JsonElement usage, string name, JsonElement fallback) =>
        Number(usage, name) ?? Number(fallback, name) ?? 0;

    private static long? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : null;

    public static string String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <summary>
    /// The status the gateway answers with for an Anthropic error status: 529 (overloaded) is 503, so it is retried
    /// and failed over like any overloaded upstream; 401 and 403 are 502, as the key they refused is the gateway's,
    /// not the caller's; the rest keep theirs.
    /// </summary>
    public static int Status(int status) => status switch
    {
        529 => 503,
        401 or 403 => 502,
        _ => status,
    };

    /// <summary>Anthropic's <c>{"type":"error","error":{"type","message"}}</c> as an OpenAI error envelope for <paramref name="status"/>.</summary>
    public static GatewayError Error(int status, ReadOnlySpan<byte> body)
    {
        var (type, message) = ReadError(body);
        message ??= $"HTTP {status}";
        var text = type is null ? message : $"{type}: {message}";
        return status switch
        {
            429 => new GatewayError(429, text, OpenAIErrorTypes.RateLimit, null, type ?? "rate_limit_error"),
            >= 400 and < 500 => new GatewayError(status, text, OpenAIErrorTypes.InvalidRequest, null, type ?? "invalid_request_error"),
            _ => GatewayError.Upstream(status, text, type ?? "upstream_error"),
        };
    }

    /// <summary>The error's type and message from Anthropic's envelope (or an OpenAI-shaped one); nulls when neither.</summary>
    public static (string? Type, string? Message) ReadError(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = JsonLimits.MaxDepth });
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                var type = String(error, "type");
                var message = String(error, "message");
                return (type.Length == 0 ? null : type, message.Length == 0 ? null : message);
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text itself stands below.
        }

        var text = System.Text.Encoding.UTF8.GetString(body).Trim();
        return (null, text.Length == 0 ? null : text.Length > 500 ? text[..500] : text);
    }
}
