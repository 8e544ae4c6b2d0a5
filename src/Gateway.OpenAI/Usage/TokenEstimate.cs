namespace Gateway.Usage;

/// <summary>
/// The gateway's documented byte-based token estimate for OpenAI bodies and stream chunks, used where no upstream has
/// counted: one token per <see cref="BytesPerToken"/> bytes, rounded up. The gateway charges it; a client that checks
/// what it was charged computes the same.
/// </summary>
public static class TokenEstimate
{
    /// <summary>Bytes counted as one token.</summary>
    public const int BytesPerToken = 4;

    private static ReadOnlySpan<byte> Content => "\"content\":\""u8;
    private static ReadOnlySpan<byte> Reasoning => "\"reasoning_content\":\""u8;
    private static ReadOnlySpan<byte> Arguments => "\"arguments\":\""u8;
    private static ReadOnlySpan<byte> Text => "\"text\":\""u8;

    /// <summary>Tokens of <paramref name="bytes"/> bytes of a prompt or a JSON answer: one per <see cref="BytesPerToken"/>, rounded up.</summary>
    public static long TokensOf(long bytes) => (bytes + BytesPerToken - 1) / BytesPerToken;

    /// <summary>
    /// The estimate for one streamed chunk: 0 without text, else one token per <see cref="BytesPerToken"/> bytes of its
    /// text strings (content, reasoning, tool-call arguments, text), at least one.
    /// </summary>
    public static long TokensOfChunk(ReadOnlySpan<byte> chunk)
    {
        var bytes = StringBytes(chunk, Content) + StringBytes(chunk, Reasoning) + StringBytes(chunk, Arguments) + StringBytes(chunk, Text);
        return bytes == 0 ? 0 : Math.Max(1, TokensOf(bytes));
    }

    /// <summary>Bytes of every JSON string value after <paramref name="name"/> in the chunk (0 when there is none).</summary>
    private static long StringBytes(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> name)
    {
        long total = 0;
        var at = chunk.IndexOf(name);
        while (at >= 0)
        {
            var rest = chunk[(at + name.Length)..];
            var end = 0;
            while (end < rest.Length && rest[end] != (byte)'"')
            {
                end += rest[end] == (byte)'\\' ? 2 : 1;
            }

            total += Math.Min(end, rest.Length);

            chunk = rest[Math.Min(end, rest.Length)..];
            at = chunk.IndexOf(name);
        }

        return total;
    }
}
