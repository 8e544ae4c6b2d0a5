using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Errors;
using Gateway.Host.Catalog;

namespace Gateway.Host.Anthropic.Upstream;

/// <summary>
/// Turns a chat completion request into the Messages API request an <c>anthropic</c> upstream answers: system and
/// developer messages become <c>system</c>, content parts content blocks, an assistant's <c>tool_calls</c>
/// <c>tool_use</c> blocks, <c>tool</c> messages <c>tool_result</c> blocks in the next user turn, function tools
/// tools. What the Messages API has no place for (several choices, log probabilities, structured output, audio) is a
/// 400 that names it; what only tunes OpenAI's sampler (penalties, seed, logit bias) is dropped.
/// </summary>
internal static partial class ChatToMessages
{
    /// <summary>Fields that change nothing an Anthropic model does, or that the gateway handles itself.</summary>
    private static readonly HashSet<string> Dropped =
    [
        "frequency_penalty", "presence_penalty", "seed", "logit_bias", "stream_options", "service_tier", "store", "metadata",
        "prediction", "web_search_options", "verbosity", "prompt_cache_key", "safety_identifier",
    ];

    /// <summary>
    /// Thinking budgets for <c>reasoning_effort</c>; the inverse of the gateway's own Messages endpoint's mapping, so an
    /// effort survives a trip through both (<c>minimal</c> is Anthropic's smallest budget).
    /// </summary>
    internal static int? BudgetFor(string? effort) => effort switch
    {
        "minimal" => 1024,
        "low" => 2048,
        "medium" => 8192,
        "high" or "xhigh" => 16384,
        _ => null,
    };

    /// <summary>The Messages request for a chat request (a validated JSON object), or a 400 saying what cannot be translated.</summary>
    public static byte[]? Translate(ReadOnlySpan<byte> chatBody, CatalogModel model, out GatewayError? error)
    {
        error = null;
        using var document = JsonDocument.Parse(chatBody.ToArray(), new JsonDocumentOptions { MaxDepth = JsonLimits.MaxDepth });
        var root = document.RootElement;
        var request = new JsonObject { ["model"] = model.UpstreamModel };
        int? maxTokens = null;
        string? effort = null;
        JsonObject? toolChoice = null;
        var parallel = true;
        foreach (var field in root.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case "model" or "messages" or "tools" or "tool_choice":
                    break; // Read below.
                case "max_tokens" or "max_completion_tokens" when value.ValueKind == JsonValueKind.Number:
                    maxTokens = value.TryGetInt32(out var max) ? max : int.MaxValue;
                    break;
                case "stream" when value.ValueKind == JsonValueKind.True:
                    request["stream"] = true;
                    break;
                case "temperature" when value.ValueKind == JsonValueKind.Number:
                    // OpenAI's range is 0 to 2, Anthropic's 0 to 1.
                    request["temperature"] = Math.Min(1.0, value.GetDouble());
                    break;
                case "top_p" when value.ValueKind == JsonValueKind.Number:
                    request["top_p"] = value.GetDouble();
                    break;
                case "top_k" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var topK):
                    request["top_k"] = topK;
                    break;
                case "stop" when value.ValueKind == JsonValueKind.String:
                    request["stop_sequences"] = new JsonArray(value.GetString());
                    break;
                case "stop" when value.ValueKind == JsonValueKind.Array:
                    request["stop_sequences"] = new JsonArray([.. value.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => (JsonNode)s.GetString()!)]);
                    break;
                case "user" when value.ValueKind == JsonValueKind.String:
                    request["metadata"] = new JsonObject { ["user_id"] = value.GetString() };
                    break;
                case "reasoning_effort" when value.ValueKind == JsonValueKind.String:
                    effort = value.GetString();
                    break;
                case "parallel_tool_calls" when value.ValueKind == JsonValueKind.False:
                    parallel = false;
                    break;
                case "n" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n == 1:
                    break;
                case "logprobs" or "top_logprobs" when value.ValueKind is JsonValueKind.False or JsonValueKind.Null || field.Name == "top_logprobs" && value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0:
                    break;
                case "response_format" when value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) && t.ValueEquals("text"u8):
                    break;
                case "modalities" when value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(m => m.ValueEquals("text"u8)):
                    break;
                case var name when Dropped.Contains(name) || value.ValueKind == JsonValueKind.Null:
                    break;
                default:
                    error = Unsupported(field.Name, model);
                    return null;
            }
        }

        if (!Messages(root, request, out error))
        {
            return null;
        }

        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
        {
            if (!Tools(tools, request, out error))
            {
                return null;
            }
        }

        if (root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind != JsonValueKind.Null)
        {
            if ((toolChoice = ToolChoice(choice, out error)) is null)
            {
                return null;
            }
        }

        if (!parallel && request.ContainsKey("tools"))
        {
            toolChoice ??= new JsonObject { ["type"] = "auto" };
            toolChoice["disable_parallel_tool_use"] = true;
        }

        if (toolChoice is not null && request.ContainsKey("tools"))
        {
            request["tool_choice"] = toolChoice;
        }

        var maximum = maxTokens ?? model.DefaultMaxTokens;
        request["max_tokens"] = maximum;

        // Anthropic wants the budget below max_tokens and at least 1024; a smaller room means no thinking.
        if (BudgetFor(effort) is { } budget && Math.Min(budget, maximum - 1) is var room && room >= 1024)
        {
            request["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = room };
        }

        return JsonSerializer.SerializeToUtf8Bytes(request, WriterOptions);
    }

    private static readonly JsonSerializerOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = JsonLimits.MaxDepth + 8 };

    private static GatewayError Unsupported(string field, CatalogModel model) => GatewayError.BadRequest(
        $"{field}: the model '{model.Name}' is served by Anthropic's Messages API, which has no equivalent for this value.", field, "unsupported_parameter");
}
