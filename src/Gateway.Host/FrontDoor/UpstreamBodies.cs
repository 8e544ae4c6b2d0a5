using System.Buffers;
using System.Text.Json;
using Gateway.Host.Catalog;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Builds the body sent to one candidate: the client's bytes with <c>model</c> changed and, for a stream, the
/// stream's usage asked for whatever the client sent, so that every streamed answer can be counted.
/// </summary>
internal static class UpstreamBodies
{
    private static ReadOnlySpan<byte> StreamOptionsName => "\"stream_options\":"u8;
    private static ReadOnlySpan<byte> IncludeUsage => "{\"include_usage\":true"u8;

    /// <summary>The body without the gateway's own <c>route</c> property (and one comma beside it).</summary>
    public static byte[] WithoutRoute(ReadOnlySpan<byte> body, ParsedRequest parsed)
    {
        var (start, end) = WithComma(body, parsed.RouteStart, parsed.RouteEnd);
        return [.. body[..start], .. body[end..]];
    }

    /// <summary>A property's range widened by the comma that separates it from its neighbour, so removing it leaves valid JSON.</summary>
    private static (int Start, int End) WithComma(ReadOnlySpan<byte> body, int start, int end)
    {
        var after = end;
        while (after < body.Length && IsWhitespace(body[after])) { after++; }
        if (after < body.Length && body[after] == (byte)',')
        {
            return (start, after + 1);
        }

        var before = start - 1;
        while (before >= 0 && IsWhitespace(body[before])) { before--; }
        return before >= 0 && body[before] == (byte)',' ? (before, end) : (start, end);
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>
    /// Returns the body for <paramref name="model"/>. A streamed request's <c>stream_options</c> is replaced by one
    /// that asks for the usage chunk (the caller's other stream options kept); the gateway counts that chunk and
    /// drops it again when the caller did not ask for it.
    /// </summary>
    public static ReadOnlyMemory<byte> Build(ReadOnlyMemory<byte> request, ParsedRequest parsed, CatalogModel model)
    {
        var body = request.Span;
        var original = body.Slice(parsed.ModelStart, parsed.ModelLength);
        var replacement = model.UpstreamModelJson;
        if (!parsed.Stream && original.SequenceEqual(replacement))
        {
            return request;
        }

        var output = new ArrayBufferWriter<byte>(body.Length + replacement.Length + 64);
        // The body is a validated JSON object: its first non-whitespace byte is '{'.
        var open = body.IndexOf((byte)'{');
        var (removeStart, removeEnd) = (-1, -1);
        output.Write(body[..(open + 1)]);
        if (parsed.Stream)
        {
            output.Write(StreamOptionsName);
            output.Write(IncludeUsage);
            if (parsed.StreamOptionsStart >= 0)
            {
                WriteOtherStreamOptions(output, body[parsed.StreamOptionsStart..parsed.StreamOptionsEnd]);
                (removeStart, removeEnd) = WithComma(body, parsed.StreamOptionsStart, parsed.StreamOptionsEnd);
            }

            output.Write("},"u8);
        }

        // Copy the rest, leaving out the caller's stream_options and swapping the model.
        var at = open + 1;
        if (removeStart >= 0 && removeStart < parsed.ModelStart)
        {
            output.Write(body[at..removeStart]);
            at = removeEnd;
        }

        output.Write(body[at..parsed.ModelStart]);
        output.Write(replacement);
        at = parsed.ModelStart + parsed.ModelLength;
        if (removeStart > parsed.ModelStart)
        {
            output.Write(body[at..removeStart]);
            at = removeEnd;
        }

        output.Write(body[at..]);
        return output.WrittenMemory;
    }

    /// <summary>Writes the members of the caller's <c>stream_options</c> object other than <c>include_usage</c>, each after a comma.</summary>
    private static void WriteOtherStreamOptions(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> property)
    {
        var value = property[(property.IndexOf((byte)':') + 1)..];
        var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = JsonLimits.MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var skip = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            reader.Skip();
            if (!skip)
            {
                output.Write(","u8);
                output.Write(value[start..(int)reader.BytesConsumed]);
            }
        }
    }
}
