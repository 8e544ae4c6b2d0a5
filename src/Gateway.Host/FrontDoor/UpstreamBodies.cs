using Gateway.Host.Catalog;

namespace Gateway.Host.FrontDoor;

/// <summary>Builds the body sent to one candidate: the client's bytes with only <c>model</c> changed.</summary>
internal static class UpstreamBodies
{
    private static ReadOnlySpan<byte> IncludeUsage => "\"stream_options\":{\"include_usage\":true},"u8;

    /// <summary>The body without the gateway's own <c>route</c> property (and one comma beside it).</summary>
    public static byte[] WithoutRoute(ReadOnlySpan<byte> body, ParsedRequest parsed)
    {
        int start = parsed.RouteStart, end = parsed.RouteEnd;
        var after = end;
        while (after < body.Length && IsWhitespace(body[after])) { after++; }
        if (after < body.Length && body[after] == (byte)',')
        {
            end = after + 1;
        }
        else
        {
            var before = start - 1;
            while (before >= 0 && IsWhitespace(body[before])) { before--; }
            if (before >= 0 && body[before] == (byte)',')
            {
                start = before;
            }
        }

        return [.. body[..start], .. body[end..]];
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>
    /// Returns the body for <paramref name="model"/>. With <paramref name="askForUsage"/> the stream
    /// is asked for its usage chunk (which the gateway counts and then drops for the client).
    /// </summary>
    public static ReadOnlyMemory<byte> Build(ReadOnlyMemory<byte> request, ParsedRequest parsed, CatalogModel model, bool askForUsage)
    {
        var body = request.Span;
        var original = body.Slice(parsed.ModelStart, parsed.ModelLength);
        var replacement = model.UpstreamModelJson;
        if (!askForUsage && original.SequenceEqual(replacement))
        {
            return request;
        }

        // The body is a validated JSON object: its first non-whitespace byte is '{'.
        var open = body.IndexOf((byte)'{');
        var extra = askForUsage ? IncludeUsage.Length : 0;
        var result = new byte[body.Length - parsed.ModelLength + replacement.Length + extra];
        var span = result.AsSpan();
        body[..(open + 1)].CopyTo(span);
        var at = open + 1;
        if (askForUsage)
        {
            IncludeUsage.CopyTo(span[at..]);
            at += IncludeUsage.Length;
        }

        body[(open + 1)..parsed.ModelStart].CopyTo(span[at..]);
        at += parsed.ModelStart - open - 1;
        replacement.CopyTo(span[at..]);
        at += replacement.Length;
        body[(parsed.ModelStart + parsed.ModelLength)..].CopyTo(span[at..]);
        return result;
    }
}
