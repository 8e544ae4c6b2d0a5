using System.Text.Json;

namespace Gateway.Host.Resilience;

/// <summary>Token counts reported by an upstream.</summary>
internal readonly record struct TokenUsage(long PromptTokens, long CompletionTokens)
{
    public long Total => PromptTokens + CompletionTokens;
}

/// <summary>Finds <c>usage</c> in a chat/completions/embeddings body or in one streamed chunk.</summary>
internal static class UsageParser
{
    private static ReadOnlySpan<byte> UsageProperty => "\"usage\""u8;

    public static bool MayContainUsage(ReadOnlySpan<byte> json) => json.IndexOf(UsageProperty) >= 0;

    /// <summary>
    /// Reads the last <c>"usage": {...}</c> object found in the tail of a JSON body, so that a
    /// body need not be kept whole to be counted (OpenAI-style bodies end with their usage).
    /// </summary>
    public static bool TryParseTail(ReadOnlySpan<byte> tail, out TokenUsage usage)
    {
        usage = default;
        var at = tail.LastIndexOf(UsageProperty);
        if (at < 0)
        {
            return false;
        }

        var rest = tail[(at + UsageProperty.Length)..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)':')
        {
            return false;
        }

        rest = rest[1..].TrimStart(" \t\r\n"u8);
        try
        {
            var reader = new Utf8JsonReader(rest, isFinalBlock: false, state: default);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && ReadUsage(ref reader, out usage);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads top-level <c>usage</c>; <paramref name="choicesEmpty"/> tells whether the chunk carries no choices.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out TokenUsage usage, out bool choicesEmpty)
    {
        usage = default;
        choicesEmpty = true;
        var found = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    found = reader.TokenType == JsonTokenType.StartObject && ReadUsage(ref reader, out usage);
                    if (!found)
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        choicesEmpty = reader.TokenType == JsonTokenType.EndArray;
                        if (!choicesEmpty)
                        {
                            SkipRestOfArray(ref reader);
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return found;
    }

    private static bool ReadUsage(ref Utf8JsonReader reader, out TokenUsage usage)
    {
        long prompt = 0, completion = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Number)
            {
                if (isPrompt) { prompt = reader.GetInt64(); }
                if (isCompletion) { completion = reader.GetInt64(); }
            }
            else if (!reader.TrySkip())
            {
                // A nested object (prompt_tokens_details, ...) cut off where the tail ends: what was read stands.
                break;
            }
        }

        usage = new TokenUsage(prompt, completion);
        return true;
    }

    private static void SkipRestOfArray(ref Utf8JsonReader reader)
    {
        // Positioned on the first element's first token.
        reader.Skip();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
        }
    }
}
