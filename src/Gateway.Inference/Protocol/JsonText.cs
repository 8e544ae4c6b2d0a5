using System.Text.Json;
using System.Text.Unicode;

namespace Gateway.Inference.Protocol;

/// <summary>
/// Checks what a JSON parser lets through but reading a string then refuses: bytes that are not UTF-8, and
/// escapes of half a UTF-16 surrogate pair (<c>"\ud800"</c>). Either would otherwise surface as a server error
/// wherever the string is read, long after the body was accepted.
/// </summary>
public static class JsonText
{
    /// <summary>Why the body cannot be read as JSON text, or null when it can (it may still be malformed JSON).</summary>
    public static string? EncodingProblem(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return "the request body is not valid UTF-8.";
        }

        // Only an escape in the surrogate range (\uD800-\uDFFF) can leave half a pair; most bodies have none.
        return HasSurrogateEscape(json) && HasLoneSurrogate(json)
            ? "a string in the request body escapes half of a UTF-16 surrogate pair (\\uD800-\\uDFFF without its partner)."
            : null;
    }

    private static bool HasLoneSurrogate(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && HasSurrogateEscape(reader.ValueSpan))
                {
                    try
                    {
                        _ = reader.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        return true;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is the parser's to report, with its position.
        }

        return false;
    }

    private static bool HasSurrogateEscape(ReadOnlySpan<byte> text) => text.IndexOf("\\ud"u8) >= 0 || text.IndexOf("\\uD"u8) >= 0;
}
