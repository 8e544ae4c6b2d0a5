using System.Text;
using System.Text.Json;
using Gateway.Inference.Grammar;
using Gateway.Inference.Protocol;
using Gateway.Inference.Templates;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary>Reads and validates OpenAI request bodies; every mistake becomes an <see cref="ApiException"/>.</summary>
internal static class RequestParser
{
    /// <summary>The most prompts one completions request may hold; each is a job of its own, decoded in the same batches.</summary>
    public const int MaxPrompts = 64;

    public static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellation);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (JsonText.EncodingProblem(bytes.Span) is { } problem)
        {
            throw ApiException.BadRequest($"The request body cannot be read: {problem}");
        }

        try
        {
            var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw ApiException.BadRequest("The request body must be a JSON object.");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>A chat request; its response format or tools become a grammar within <paramref name="limits"/>.</summary>
    public static ChatRequest ParseChat(JsonElement body, JsonGrammarLimits limits)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest("'messages' must be a non-empty array.", "messages");
        }
        var tools = StructuredOutput.Tools(body);
        var mode = StructuredOutput.ToolChoice(body, tools, out var named);
        var list = new List<(string, string)>();
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            list.Add(ParseMessage(message, i++));
        }
        var common = ParseCommon(body);
        string? grammar;
        string? grammarParam;
        IReadOnlyList<ToolDefinition> offered = mode == ToolMode.Named ? tools.Where(t => t.Name == named).ToList() : tools;
        if (mode != ToolMode.None && offered.Count > 0)
        {
            // The tools reach the prompt when it is rendered: through the model's template, or as instructions.
            (grammar, grammarParam) = StructuredOutput.ToolCalls(tools, offered, allowText: mode == ToolMode.Auto, limits);
        }
        else
        {
            (grammar, grammarParam) = StructuredOutput.ResponseFormat(body, limits);
        }
        return common with
        {
            Messages = list,
            TemplateMessages = ChatTemplateInput.Messages(messages),
            TemplateTools = TemplateTools(body, offered),
            TemplateArguments = TemplateArguments(body),
            Grammar = grammar,
            GrammarParam = grammarParam,
            Tools = offered,
            ToolMode = offered.Count > 0 ? mode : ToolMode.None,
            Logprobs = ChatLogprobs(body),
        };
    }

    /// <summary>The offered tools as the request wrote them (a named <c>tool_choice</c> offers just that one).</summary>
    private static JArray? TemplateTools(JsonElement body, IReadOnlyList<ToolDefinition> offered)
    {
        if (ChatTemplateInput.Tools(body) is not { } all || offered.Count == 0)
        {
            return null;
        }
        var names = offered.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var kept = all.Where(t => t is JObject o && o.GetValueOrDefault("function") is JObject f && f.GetValueOrDefault("name") is string n && names.Contains(n));
        return [.. kept];
    }

    /// <summary>
    /// <c>chat_template_kwargs</c>: extra variables for the template. Names the server sets itself are refused, so a
    /// request cannot replace its own messages or the special tokens behind the template's back.
    /// </summary>
    private static Dictionary<string, object?> TemplateArguments(JsonElement body)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!body.TryGetProperty("chat_template_kwargs", out var kwargs) || kwargs.ValueKind == JsonValueKind.Null)
        {
            return result;
        }
        if (kwargs.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("'chat_template_kwargs' must be an object.", "chat_template_kwargs");
        }
        foreach (var property in kwargs.EnumerateObject())
        {
            if (property.Name is "messages" or "tools" or "add_generation_prompt" or "bos_token" or "eos_token" or "raise_exception" or "strftime_now" or "namespace" or "range")
            {
                throw ApiException.BadRequest($"'chat_template_kwargs' cannot set '{property.Name}'.", "chat_template_kwargs");
            }
            result[property.Name] = TemplateValue.FromJson(property.Value);
        }
        return result;
    }

    public static ChatRequest ParseCompletion(JsonElement body, JsonGrammarLimits limits)
    {
        if (!body.TryGetProperty("prompt", out var prompt))
        {
            throw ApiException.BadRequest("'prompt' is required.", "prompt");
        }
        List<string> prompts = prompt.ValueKind switch
        {
            JsonValueKind.String => [prompt.GetString()!],
            JsonValueKind.Array when prompt.GetArrayLength() is > 0 and <= MaxPrompts && prompt.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String)
                => [.. prompt.EnumerateArray().Select(p => p.GetString()!)],
            _ => throw ApiException.BadRequest($"'prompt' must be a string or an array of 1 to {MaxPrompts} strings.", "prompt"),
        };
        var echo = Bool(body, "echo") ?? false;

        // With echo, max_tokens 0 scores the prompt without generating (as evaluation harnesses do).
        var (grammar, grammarParam) = StructuredOutput.ResponseFormat(body, limits);
        return ParseCommon(body, minMaxTokens: echo ? 0 : 1) with
        {
            Prompt = prompts[0],
            Prompts = prompts,
            Grammar = grammar,
            GrammarParam = grammarParam,
            Logprobs = CompletionLogprobs(body),
            Echo = echo,
        };
    }

    /// <summary>Chat's <c>logprobs: true</c> with <c>top_logprobs</c> alternatives (0 to 20), as OpenAI takes them.</summary>
    private static int? ChatLogprobs(JsonElement body)
    {
        var wanted = Bool(body, "logprobs") ?? false;
        var top = Int(body, "top_logprobs");
        if (top is < 0 or > TokenLogprobs.MaxTop)
        {
            throw ApiException.BadRequest($"'top_logprobs' must be between 0 and {TokenLogprobs.MaxTop}.", "top_logprobs");
        }
        if (top is not null && !wanted)
        {
            throw ApiException.BadRequest("'top_logprobs' needs 'logprobs' set to true.", "top_logprobs");
        }
        return wanted ? top ?? 0 : null;
    }

    /// <summary>The completions API's <c>logprobs</c>: how many alternatives to list (0 to 5).</summary>
    private static int? CompletionLogprobs(JsonElement body) => Int(body, "logprobs") switch
    {
        null => null,
        < 0 or > 5 => throw ApiException.BadRequest("'logprobs' must be between 0 and 5.", "logprobs"),
        var n => n,
    };

    private static ChatRequest ParseCommon(JsonElement body, int minMaxTokens = 1)
    {
        var maxTokens = Int(body, "max_completion_tokens") ?? Int(body, "max_tokens");
        if (maxTokens < minMaxTokens)
        {
            throw ApiException.BadRequest(minMaxTokens == 0 ? "'max_tokens' must not be negative." : "'max_tokens' must be at least 1.", "max_tokens");
        }
        if (Int(body, "n") is { } n && n != 1)
        {
            throw ApiException.BadRequest("Only n = 1 is supported.", "n");
        }
        var temperature = Float(body, "temperature") ?? 1f;
        if (temperature is < 0 or > 2)
        {
            throw ApiException.BadRequest("'temperature' must be between 0 and 2.", "temperature");
        }
        var topP = Float(body, "top_p") ?? 1f;
        if (topP is <= 0 or > 1)
        {
            throw ApiException.BadRequest("'top_p' must be greater than 0 and at most 1.", "top_p");
        }
        uint? seed = null;
        if (body.TryGetProperty("seed", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var value))
            {
                throw ApiException.BadRequest("'seed' must be an integer.", "seed");
            }
            seed = unchecked((uint)value);
        }
        // Not OpenAI parameters, but llama.cpp's server and vLLM take them, and so do clients written for those.
        var topK = Int(body, "top_k") ?? SamplingSettings.DefaultTopK;
        if (topK < 0)
        {
            throw ApiException.BadRequest("'top_k' must be 0 (off) or more.", "top_k");
        }
        var minP = Float(body, "min_p") ?? SamplingSettings.DefaultMinP;
        if (minP is < 0 or > 1)
        {
            throw ApiException.BadRequest("'min_p' must be between 0 and 1.", "min_p");
        }
        var presence = Float(body, "presence_penalty") ?? 0f;
        var frequency = Float(body, "frequency_penalty") ?? 0f;
        if (presence is < -2 or > 2)
        {
            throw ApiException.BadRequest("'presence_penalty' must be between -2 and 2.", "presence_penalty");
        }
        if (frequency is < -2 or > 2)
        {
            throw ApiException.BadRequest("'frequency_penalty' must be between -2 and 2.", "frequency_penalty");
        }
        var stream = body.TryGetProperty("stream", out var st) && st.ValueKind == JsonValueKind.True;
        var includeUsage = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        return new ChatRequest
        {
            LogitBias = ParseLogitBias(body),
            PresencePenalty = presence,
            FrequencyPenalty = frequency,
            MaxTokens = maxTokens,
            Temperature = temperature,
            TopP = topP,
            TopK = topK,
            MinP = minP,
            Seed = seed,
            Stop = ParseStop(body),
            Stream = stream,
            IncludeUsage = includeUsage,
            Model = body.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
        };
    }

    private static (string, string) ParseMessage(JsonElement message, int index)
    {
        var param = $"messages[{index}]";
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var r) || r.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest("Each message needs a string 'role'.", param);
        }
        var role = r.GetString()!;
        if (role is not ("system" or "developer" or "user" or "assistant" or "tool"))
        {
            throw ApiException.BadRequest($"Unknown role '{role}'.", $"{param}.role");
        }
        foreach (var field in (string[])["tool_call_id", "name"])
        {
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty(field, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                throw ApiException.BadRequest($"'{field}' must be a string.", $"{param}.{field}");
            }
        }
        var content = new StringBuilder(ContentText(message, param));
        if (role == "assistant" && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var j = 0;
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object
                    || !f.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    throw ApiException.BadRequest("Each tool call needs a function with a string 'name'.", $"{param}.tool_calls[{j}]");
                }
                var args = f.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "{}";
                content.Append(ToolCallFormat.Format(name.GetString()!, args));
                j++;
            }
        }
        return (role == "developer" ? "system" : role, content.ToString());
    }

    private static string ContentText(JsonElement message, string param)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return "";
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }
        if (content.ValueKind == JsonValueKind.Array)
        {
            var sb = new StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("text")
                    && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    sb.Append(text.GetString());
                }
                else
                {
                    throw ApiException.BadRequest("Only text content parts are supported by this model.", $"{param}.content");
                }
            }
            return sb.ToString();
        }
        throw ApiException.BadRequest("'content' must be a string or an array of text parts.", $"{param}.content");
    }

    private static List<string> ParseStop(JsonElement body)
    {
        if (!body.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        var stops = stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array when stop.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => stop.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw ApiException.BadRequest("'stop' must be a string or an array of strings.", "stop"),
        };
        if (stops.Count > 4)
        {
            throw ApiException.BadRequest("'stop' takes at most 4 sequences.", "stop");
        }
        return stops;
    }

    private static Dictionary<int, float>? ParseLogitBias(JsonElement body)
    {
        if (!body.TryGetProperty("logit_bias", out var bias) || bias.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (bias.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("'logit_bias' must map token ids to numbers.", "logit_bias");
        }
        var result = new Dictionary<int, float>();
        foreach (var entry in bias.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                || entry.Value.ValueKind != JsonValueKind.Number || entry.Value.GetDouble() is < -100 or > 100)
            {
                throw ApiException.BadRequest("'logit_bias' must map token ids to numbers between -100 and 100.", "logit_bias");
            }
            result[id] = (float)entry.Value.GetDouble();
        }
        return result;
    }

    private static int? Int(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i
        : v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) && decimal.Truncate(d) == d
            ? throw ApiException.BadRequest($"'{name}' must be between {int.MinValue} and {int.MaxValue}.", name)
        : throw ApiException.BadRequest($"'{name}' must be an integer.", name);

    private static bool? Bool(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.ValueKind == JsonValueKind.True
        : throw ApiException.BadRequest($"'{name}' must be a boolean.", name);

    private static float? Float(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number ? (float)v.GetDouble()
        : throw ApiException.BadRequest($"'{name}' must be a number.", name);
}
