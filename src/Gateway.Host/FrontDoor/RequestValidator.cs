using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// One forward pass over the request JSON: checks the shape and the types of the fields the
/// gateway and upstreams rely on, and finds the <c>model</c> value's byte range so it can be
/// rewritten without re-serialising the body. Unknown fields are left alone.
/// </summary>
internal static class RequestValidator
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = JsonLimits.MaxDepth };

    /// <summary>Most function tools one request may declare (OpenAI's limit).</summary>
    public const int MaxTools = 128;

    public static GatewayError? Validate(ReadOnlySpan<byte> body, OpenAIOperation operation, out ParsedRequest request)
    {
        request = default;
        try
        {
            return ValidateCore(body, operation, out request);
        }
        catch (JsonException ex)
        {
            return GatewayError.InvalidJson(ex.Message);
        }
    }

    private static GatewayError? ValidateCore(ReadOnlySpan<byte> body, OpenAIOperation operation, out ParsedRequest request)
    {
        request = default;
        var reader = new Utf8JsonReader(body, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return GatewayError.BadRequest("The request body must be a JSON object.");
        }

        string? model = null;
        int modelStart = -1, modelLength = 0;
        bool stream = false, hasRequired = false, includeUsage = false;
        int routeStart = -1, routeEnd = -1, streamOptionsStart = -1, streamOptionsEnd = -1;
        long? maxTokens = null, maxCompletionTokens = null;
        var choices = 1;
        var required = RequiredField(operation);
        var seen = new PropertyNames();

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var field = reader.GetString()!;
            if (!seen.Add(field))
            {
                // Parsers disagree on which of two equal keys wins; the gateway and the upstream must read the same request.
                return GatewayError.BadRequest($"'{field}' appears more than once.", field, "duplicate_parameter");
            }

            var propertyStart = checked((int)reader.TokenStartIndex);
            reader.Read();
            GatewayError? error = null;
            switch (field)
            {
                case "model":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return WrongType("model", "a string", reader.TokenType);
                    }

                    model = reader.GetString();
                    modelStart = checked((int)reader.TokenStartIndex);
                    modelLength = reader.ValueSpan.Length + 2;
                    break;
                case "messages" when operation == OpenAIOperation.ChatCompletions:
                    hasRequired = true;
                    error = ValidateMessages(ref reader);
                    break;
                case "prompt" when operation == OpenAIOperation.Completions:
                case "input" when operation == OpenAIOperation.Embeddings:
                    hasRequired = true;
                    error = Expect(ref reader, field, Kind.String | Kind.Array);
                    break;
                case "stream":
                    error = Expect(ref reader, field, Kind.Bool | Kind.Null);
                    stream = reader.TokenType == JsonTokenType.True;
                    break;
                case "temperature" or "top_p" or "presence_penalty" or "frequency_penalty":
                    error = Expect(ref reader, field, Kind.Number | Kind.Null);
                    break;
                case "max_tokens" or "max_completion_tokens" or "n":
                    error = Expect(ref reader, field, Kind.Integer | Kind.Null);
                    if (error is null && reader.TokenType == JsonTokenType.Number)
                    {
                        var value = reader.GetInt64();
                        if (value < (field == "n" ? 1 : 0) || value > MaxCount(field))
                        {
                            return GatewayError.BadRequest($"'{field}' must be between {(field == "n" ? 1 : 0)} and {MaxCount(field)}.", field, "invalid_value");
                        }

                        if (field == "max_tokens")
                        {
                            maxTokens = value;
                        }
                        else if (field == "max_completion_tokens")
                        {
                            maxCompletionTokens = value;
                        }
                        else
                        {
                            choices = (int)value;
                        }
                    }

                    break;
                case "seed" or "dimensions" or "top_logprobs":
                    error = Expect(ref reader, field, Kind.Integer | Kind.Null);
                    break;
                case "logprobs":
                    error = Expect(ref reader, field, operation == OpenAIOperation.Completions ? Kind.Integer | Kind.Null : Kind.Bool | Kind.Null);
                    break;
                case "stop":
                    error = Expect(ref reader, field, Kind.String | Kind.Array | Kind.Null);
                    break;
                case "tools":
                    error = Expect(ref reader, field, Kind.Array | Kind.Null) ?? CountTools(ref reader);
                    break;
                case "tool_choice":
                    error = Expect(ref reader, field, Kind.String | Kind.Object | Kind.Null);
                    break;
                case "stream_options":
                    error = Expect(ref reader, field, Kind.Object | Kind.Null);
                    if (error is null && reader.TokenType == JsonTokenType.StartObject)
                    {
                        if (ReadStreamOptions(ref reader, out includeUsage) is { } optionsError)
                        {
                            return optionsError;
                        }

                        streamOptionsStart = propertyStart;
                        streamOptionsEnd = checked((int)reader.BytesConsumed);
                        continue;
                    }

                    streamOptionsStart = propertyStart;
                    break;
                case "response_format" or "logit_bias" or "metadata" or "route":
                    error = Expect(ref reader, field, Kind.Object | Kind.Null);
                    break;
                case "user" or "encoding_format":
                    error = Expect(ref reader, field, Kind.String | Kind.Null);
                    break;
            }

            if (error is not null)
            {
                return error;
            }

            reader.Skip();
            if (field == "route")
            {
                routeStart = propertyStart;
                routeEnd = checked((int)reader.BytesConsumed);
            }
            else if (field == "stream_options")
            {
                streamOptionsEnd = checked((int)reader.BytesConsumed);
            }
        }

        if (reader.Read())
        {
            return GatewayError.InvalidJson("unexpected content after the top-level object.");
        }

        if (model is null)
        {
            return GatewayError.BadRequest("You must provide a model parameter.", "model", "missing_required_parameter");
        }

        if (!hasRequired)
        {
            return GatewayError.BadRequest($"Missing required parameter: '{required}'.", required, "missing_required_parameter");
        }

        request = new ParsedRequest(model, modelStart, modelLength, stream, includeUsage, routeStart, routeEnd)
        {
            StreamOptionsStart = streamOptionsStart,
            StreamOptionsEnd = streamOptionsEnd,
            MaxTokens = maxCompletionTokens ?? maxTokens,
            Choices = choices,
        };
        return null;
    }

    // Far above any model's output, low enough that a reservation (count × tokens) cannot overflow.
    private static long MaxCount(string field) => field == "n" ? 128 : 100_000_000;

    /// <summary>Reads a <c>stream_options</c> object (positioned on its start); the reader ends on its end.</summary>
    private static GatewayError? ReadStreamOptions(ref Utf8JsonReader reader, out bool includeUsage)
    {
        includeUsage = false;
        var seen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                if (seen)
                {
                    return GatewayError.BadRequest("'stream_options.include_usage' appears more than once.", "stream_options.include_usage", "duplicate_parameter");
                }

                seen = true;
                var error = Expect(ref reader, "stream_options.include_usage", Kind.Bool | Kind.Null);
                if (error is not null)
                {
                    return error;
                }

                includeUsage = reader.TokenType == JsonTokenType.True;
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>Counts a <c>tools</c> array (positioned on its start) without reading the tools; the reader ends on its end.</summary>
    private static GatewayError? CountTools(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count > MaxTools)
            {
                return GatewayError.BadRequest($"'tools' holds more than {MaxTools} tools.", "tools", "too_many_tools");
            }

            reader.Skip();
        }

        return null;
    }

    private static GatewayError? ValidateMessages(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return WrongType("messages", "an array", reader.TokenType);
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var param = $"messages[{index}]";
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return WrongType(param, "an object", reader.TokenType);
            }

            bool hasRole = false, assistant = false, nullContent = false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var field = reader.GetString();
                reader.Read();
                if (field == "role")
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return WrongType(param + ".role", "a string", reader.TokenType);
                    }

                    hasRole = true;
                    assistant = reader.ValueTextEquals("assistant"u8);
                }
                else if (field == "content")
                {
                    var error = Expect(ref reader, param + ".content", Kind.String | Kind.Array | Kind.Null);
                    if (error is not null)
                    {
                        return error;
                    }

                    nullContent = reader.TokenType == JsonTokenType.Null;
                }

                reader.Skip();
            }

            if (!hasRole)
            {
                return GatewayError.BadRequest($"Missing required parameter: '{param}.role'.", param + ".role", "missing_required_parameter");
            }

            // Only an assistant message (one that carries tool calls) may leave its content null, as with OpenAI.
            if (nullContent && !assistant)
            {
                return WrongType(param + ".content", "a string or an array of content parts", JsonTokenType.Null);
            }

            index++;
        }

        return index == 0 ? GatewayError.BadRequest("'messages' must contain at least one message.", "messages") : null;
    }

    private static string RequiredField(OpenAIOperation operation) => operation switch
    {
        OpenAIOperation.ChatCompletions => "messages",
        OpenAIOperation.Completions => "prompt",
        _ => "input",
    };

    [Flags]
    private enum Kind
    {
        String = 1,
        Number = 2,
        Integer = 4,
        Bool = 8,
        Array = 16,
        Object = 32,
        Null = 64,
    }

    private static GatewayError? Expect(ref Utf8JsonReader reader, string field, Kind allowed)
    {
        var ok = reader.TokenType switch
        {
            JsonTokenType.String => allowed.HasFlag(Kind.String),
            JsonTokenType.Number => allowed.HasFlag(Kind.Number) || (allowed.HasFlag(Kind.Integer) && reader.TryGetInt64(out _)),
            JsonTokenType.True or JsonTokenType.False => allowed.HasFlag(Kind.Bool),
            JsonTokenType.StartArray => allowed.HasFlag(Kind.Array),
            JsonTokenType.StartObject => allowed.HasFlag(Kind.Object),
            JsonTokenType.Null => allowed.HasFlag(Kind.Null),
            _ => false,
        };
        return ok ? null : WrongType(field, Describe(allowed), reader.TokenType);
    }

    private static string Describe(Kind allowed)
    {
        var names = new List<string>();
        if (allowed.HasFlag(Kind.String)) { names.Add("a string"); }
        if (allowed.HasFlag(Kind.Number)) { names.Add("a number"); }
        if (allowed.HasFlag(Kind.Integer)) { names.Add("an integer"); }
        if (allowed.HasFlag(Kind.Bool)) { names.Add("a boolean"); }
        if (allowed.HasFlag(Kind.Array)) { names.Add("an array"); }
        if (allowed.HasFlag(Kind.Object)) { names.Add("an object"); }
        return string.Join(" or ", names);
    }

    private static GatewayError WrongType(string field, string expected, JsonTokenType actual) =>
        GatewayError.BadRequest($"Invalid type for '{field}': expected {expected}, but got {TokenName(actual)}.", field, "invalid_type");

    private static string TokenName(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}

/// <summary>What the front door needs from a validated request body.</summary>
/// <param name="IncludeUsage">The caller asked for the stream's usage chunk (<c>stream_options.include_usage: true</c>).</param>
/// <param name="RouteStart">Start of the gateway's own <c>route</c> property (its name), or -1.</param>
/// <param name="RouteEnd">End of the <c>route</c> property's value, or -1.</param>
internal readonly record struct ParsedRequest(string Model, int ModelStart, int ModelLength, bool Stream, bool IncludeUsage, int RouteStart = -1, int RouteEnd = -1)
{
    /// <summary>Start of the caller's <c>stream_options</c> property (its name), or -1.</summary>
    public int StreamOptionsStart { get; init; } = -1;

    /// <summary>End of the <c>stream_options</c> property's value, or -1.</summary>
    public int StreamOptionsEnd { get; init; } = -1;

    /// <summary><c>max_completion_tokens</c>, else <c>max_tokens</c>, when set.</summary>
    public long? MaxTokens { get; init; }

    /// <summary><c>n</c>: how many choices are generated.</summary>
    public int Choices { get; init; } = 1;

    public bool IsRouted => Model == "auto" || Model.StartsWith("auto:", StringComparison.Ordinal);

    public string? Profile => Model.StartsWith("auto:", StringComparison.Ordinal) ? Model["auto:".Length..] : null;
}
