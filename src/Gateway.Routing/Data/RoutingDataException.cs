namespace Gateway.Routing.Data;

/// <summary>
/// A routing data set breaks its format (docs/router.md, routing data): the message names the file, the line (for
/// <c>outcomes.jsonl</c>) and the field, so the data can be fixed rather than trained on silently.
/// </summary>
internal sealed class RoutingDataException : Exception
{
    public RoutingDataException(string file, int? line, string? field, string problem, Exception? inner = null)
        : base(Describe(file, line, field, problem), inner)
    {
        File = file;
        Line = line;
        Field = field;
    }

    /// <summary>The file at fault.</summary>
    public string File { get; }

    /// <summary>The 1-based line of <c>outcomes.jsonl</c>, when the problem is on one line.</summary>
    public int? Line { get; }

    /// <summary>The field at fault (for example <c>scores.gpt-4</c>), when there is one.</summary>
    public string? Field { get; }

    private static string Describe(string file, int? line, string? field, string problem) =>
        $"{file}{(line is { } l ? $":{l}" : "")}: {(field is null ? "" : $"field '{field}': ")}{problem}";
}
