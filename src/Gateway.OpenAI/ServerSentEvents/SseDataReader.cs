using System.Runtime.CompilerServices;
using System.Text;

namespace Gateway.ServerSentEvents;

/// <summary>Reads the payloads of a chat or completion stream, as the gateway reads one back from itself.</summary>
public static class SseDataReader
{
    /// <summary>
    /// The data of each <c>data:</c> line, trimmed, up to <c>[DONE]</c> or the end of the stream (a last event
    /// without its blank line still counts); other lines (<c>event:</c>, comments, blank lines) are skipped. The
    /// stream is disposed when the enumeration ends.
    /// </summary>
    public static async IAsyncEnumerable<string> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith(SseFraming.DataField, StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[SseFraming.DataField.Length..].Trim();
            if (data == SseFraming.Done)
            {
                yield break;
            }

            yield return data;
        }
    }
}
