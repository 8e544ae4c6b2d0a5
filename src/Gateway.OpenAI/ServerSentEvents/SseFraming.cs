using System.Text;
using Gateway.Errors;

namespace Gateway.ServerSentEvents;

/// <summary>
/// How OpenAI's streams frame server-sent events: each event one <c>data: JSON</c> line (the Responses API puts an
/// <c>event: TYPE</c> line before it) ended by a blank line, and a chat or completion stream ended by
/// <c>data: [DONE]</c>. A failure mid-stream is an event whose data is the error envelope. We write <c>\n</c> line
/// ends; upstreams may send <c>\r\n</c>, so readers accept both.
/// </summary>
public static class SseFraming
{
    /// <summary>The media type of an event stream, as sent in <c>Content-Type</c>.</summary>
    public const string ContentType = "text/event-stream";

    /// <summary>The field that carries an event's payload, as readers match it: the space after the colon is optional.</summary>
    public const string DataField = "data:";

    /// <summary>What a written event's data line starts with.</summary>
    public const string DataLine = "data: ";

    /// <summary>What a written event's type line starts with (the Responses API's events).</summary>
    public const string EventLine = "event: ";

    /// <summary>The blank line that ends a written event.</summary>
    public const string Terminator = "\n\n";

    /// <summary>The data of the event that ends a chat or completion stream.</summary>
    public const string Done = "[DONE]";

    /// <summary><see cref="DataField"/> as UTF-8, for readers that parse bytes.</summary>
    public static ReadOnlySpan<byte> DataFieldUtf8 => "data:"u8;

    /// <summary>The whole <c>[DONE]</c> event, UTF-8.</summary>
    public static ReadOnlySpan<byte> DoneEvent => "data: [DONE]\n\n"u8;

    /// <summary>
    /// The length of the first complete event in <paramref name="buffer"/>, its blank-line terminator (<c>\n\n</c> or
    /// <c>\r\n\r\n</c>, whichever comes first) included; -1 when the buffer holds no complete event yet.
    /// </summary>
    public static int EventEnd(ReadOnlySpan<byte> buffer)
    {
        var lf = buffer.IndexOf("\n\n"u8);
        var crlf = buffer.IndexOf("\r\n\r\n"u8);
        return (lf, crlf) switch
        {
            ( < 0, < 0) => -1,
            ( >= 0, < 0) => lf + 2,
            ( < 0, >= 0) => crlf + 4,
            _ => lf < crlf ? lf + 2 : crlf + 4,
        };
    }

    /// <summary>
    /// The payload of a one-line event (what follows <c>data:</c>, its leading space kept, its line ends dropped);
    /// false when the event does not start with a data line.
    /// </summary>
    public static bool TryGetData(ReadOnlySpan<byte> @event, out ReadOnlySpan<byte> data)
    {
        var line = @event.TrimEnd("\r\n"u8);
        if (!line.StartsWith(DataFieldUtf8))
        {
            data = default;
            return false;
        }

        data = line[DataFieldUtf8.Length..];
        return true;
    }

    /// <summary>One event carrying <paramref name="data"/>: <c>data: DATA\n\n</c>, UTF-8.</summary>
    public static byte[] Event(ReadOnlySpan<byte> data)
    {
        var bytes = new byte[DataLine.Length + data.Length + Terminator.Length];
        Encoding.UTF8.GetBytes(DataLine, bytes);
        data.CopyTo(bytes.AsSpan(DataLine.Length));
        Encoding.UTF8.GetBytes(Terminator, bytes.AsSpan(DataLine.Length + data.Length));
        return bytes;
    }

    /// <summary>The event that ends a stream with <paramref name="error"/>: its envelope as the data.</summary>
    public static byte[] ErrorEvent(GatewayError error) => Event(GatewayErrorWriter.Serialize(error));

    /// <summary>Appends <c>data: DATA\n\n</c>.</summary>
    public static StringBuilder AppendEvent(StringBuilder text, string data) =>
        text.Append(DataLine).Append(data).Append(Terminator);

    /// <summary>Appends <c>event: TYPE\ndata: DATA\n\n</c>.</summary>
    public static StringBuilder AppendEvent(StringBuilder text, string type, string data) =>
        text.Append(EventLine).Append(type).Append('\n').Append(DataLine).Append(data).Append(Terminator);
}
