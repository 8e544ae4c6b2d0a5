using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Host.Batches;

/// <summary>One request line of a batch's input file, or why it cannot be sent.</summary>
/// <param name="Line">Its 1-based line number in the file.</param>
internal sealed record BatchInputLine(int Line, string? CustomId, string? Body, BatchLineError? Error);

/// <summary>Why a line was not sent, in the error file's <c>error</c> object.</summary>
internal sealed record BatchLineError(string Code, string Message);

/// <summary>
/// Reads a batch's input file: JSONL, one <c>{"custom_id","method":"POST","url","body"}</c> per line, blank lines
/// skipped. A line that is not such an object, names another URL or method, or repeats a <c>custom_id</c> becomes an
/// error for that line alone; the others run. Parsing is deterministic, so a resumed batch numbers its lines alike.
/// </summary>
internal static class BatchInput
{
    public static List<BatchInputLine> Parse(ReadOnlySpan<byte> content, string endpoint)
    {
        var lines = new List<BatchInputLine>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in Encoding.UTF8.GetString(content).Split('\n'))
        {
            number++;
            var text = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var line = ParseLine(number, text, endpoint);
            if (line.CustomId is { } id && !seen.Add(id) && line.Error is null)
            {
                line = line with { Body = null, Error = new("duplicate_custom_id", $"The custom_id '{Short(id)}' is used by an earlier line; each line needs its own.") };
            }

            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Counts the request lines without parsing them (for the limit at create).</summary>
    public static int Count(ReadOnlySpan<byte> content)
    {
        var count = 0;
        foreach (var range in content.Split((byte)'\n'))
        {
            if (!content[range].Trim(" \t\r"u8).IsEmpty)
            {
                count++;
            }
        }

        return count;
    }

    private static BatchInputLine ParseLine(int number, string text, string endpoint)
    {
        JsonObject? request;
        try
        {
            request = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            return new(number, null, null, new("invalid_json_line", $"Line {number} is not a JSON object: each line of a batch file is one request object."));
        }

        var customId = request["custom_id"] is JsonValue id && id.TryGetValue<string>(out var value) ? value : null;
        BatchLineError? error = null;
        if (string.IsNullOrEmpty(customId))
        {
            error = new("invalid_request", $"Line {number} has no 'custom_id' string.");
        }
        else if (request["method"] is not JsonValue method || !method.TryGetValue<string>(out var m) || m != "POST")
        {
            error = new("invalid_method", $"Line {number}: 'method' must be \"POST\".");
        }
        else if (request["url"] is not JsonValue url || !url.TryGetValue<string>(out var u) || u != endpoint)
        {
            error = new("invalid_url", $"Line {number}: 'url' must be the batch's endpoint, \"{endpoint}\".");
        }
        else if (request["body"] is not JsonObject body)
        {
            error = new("invalid_request", $"Line {number}: 'body' must be a JSON object, the request to send.");
        }
        else if (body["stream"] is JsonValue stream && stream.GetValueKind() == JsonValueKind.True)
        {
            error = new("invalid_request", $"Line {number}: a batch line cannot stream; remove 'stream'.");
        }
        else
        {
            return new(number, customId, body.ToJsonString(), null);
        }

        return new(number, customId, null, error);
    }

    private static string Short(string value) => value.Length > 64 ? value[..64] : value;
}
