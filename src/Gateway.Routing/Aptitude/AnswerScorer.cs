using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Routing.Aptitude;

/// <summary>
/// Reads the answer out of a model's reply and compares it with the expected one. The prompts ask for a
/// final line <c>Answer: …</c>; the text after the last such marker counts (its first non-empty line; for
/// numbers, the first number after the line's last '='). Replies without a marker fall back to the last
/// number (numeric formats), the last yes/no, or the last non-empty line. Reasoning in <c>&lt;think&gt;</c> blocks and markdown emphasis are ignored, and a
/// LaTeX <c>\boxed{…}</c> counts as a marker.
/// </summary>
internal static partial class AnswerScorer
{
    private static readonly char[] Trimmed = [' ', '\t', '"', '\'', '“', '”', '‘', '’', '.', '!', '*', '_'];

    public static double Score(string? reply, string expected, AnswerFormat format)
    {
        var answer = Extract(reply, format);
        return answer is not null && Matches(answer, expected, format) ? 1 : 0;
    }

    public static string? Extract(string? reply, AnswerFormat format)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return null;
        }

        var text = Clean(reply);
        var segment = AfterMarker(text);
        var answer = format switch
        {
            AnswerFormat.Integer or AnswerFormat.Decimal => segment is null ? LastNumber(text) : ResultNumber(segment),
            AnswerFormat.YesNo => segment is null ? YesNo(text, last: true) : YesNo(segment, last: false),
            _ => Normalise(segment ?? LastLine(text)),
        };
        return string.IsNullOrEmpty(answer) ? null : answer;
    }

    public static bool Matches(string answer, string expected, AnswerFormat format) => format switch
    {
        AnswerFormat.Integer => ParseNumber(answer) is { } a && ParseNumber(expected) is { } e && a == e,
        AnswerFormat.Decimal => ParseNumber(answer) is { } a && ParseNumber(expected) is { } e
            && Math.Round(a, Decimals(expected), MidpointRounding.AwayFromZero) == e,
        AnswerFormat.List => Tokens(answer).SequenceEqual(Tokens(expected), TokenComparer.Instance),
        AnswerFormat.ExactText => string.Equals(Normalise(answer), Normalise(expected), StringComparison.Ordinal),
        AnswerFormat.YesNo => string.Equals(YesNo(answer, last: false), expected, StringComparison.OrdinalIgnoreCase),
        _ => string.Equals(Normalise(answer), Normalise(expected), StringComparison.OrdinalIgnoreCase) || SameClockTime(answer, expected),
    };

    private static string Clean(string reply)
    {
        var text = ThinkBlock().Replace(reply, string.Empty);
        var open = text.IndexOf("<think>", StringComparison.OrdinalIgnoreCase);
        text = open >= 0 ? text[..open] : text;
        text = Boxed().Replace(text, "\nAnswer: $1\n");
        return text.Replace("**", string.Empty, StringComparison.Ordinal)
            .Replace("`", string.Empty, StringComparison.Ordinal)
            .Replace('\u2212', '-');
    }

    /// <summary>The first non-empty line after the last "Answer:" (or, failing that, the last "answer is").</summary>
    private static string? AfterMarker(string text)
    {
        var marker = ColonMarker().Matches(text).LastOrDefault() ?? PhraseMarker().Matches(text).LastOrDefault();
        if (marker is null)
        {
            return null;
        }

        return text[(marker.Index + marker.Length)..]
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault() ?? string.Empty;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;

    private static string? LastNumber(string text) =>
        Number().Matches(text).LastOrDefault()?.Value.Replace(",", string.Empty, StringComparison.Ordinal);

    /// <summary>The first number after the last '=' of an answer line: "42 (6 × 7)" and "6 × 7 = 42" both give 42.</summary>
    private static string? ResultNumber(string segment) =>
        Number().Match(segment[(segment.LastIndexOf('=') + 1)..]) is { Success: true } match
            ? match.Value.Replace(",", string.Empty, StringComparison.Ordinal)
            : null;

    private static string? YesNo(string text, bool last)
    {
        var matches = YesNoWord().Matches(text);
        var match = last ? matches.LastOrDefault() : matches.FirstOrDefault();
        return match?.Value.ToLowerInvariant() switch
        {
            "yes" or "true" => "yes",
            "no" or "false" => "no",
            _ => null,
        };
    }

    private static string Normalise(string text) => Whitespace().Replace(text.Trim(Trimmed), " ");

    private static decimal? ParseNumber(string text) =>
        decimal.TryParse(text.Replace(",", string.Empty, StringComparison.Ordinal).Trim(Trimmed), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static int Decimals(string number) => number.Contains('.', StringComparison.Ordinal) ? number.Length - number.IndexOf('.', StringComparison.Ordinal) - 1 : 0;

    private static IEnumerable<string> Tokens(string list) =>
        ListSeparator().Split(list.Trim(Trimmed).Trim('[', ']', '(', ')', '{', '}'))
            .Select(t => t.Trim(Trimmed))
            .Where(t => t.Length > 0 && !t.Equals("and", StringComparison.OrdinalIgnoreCase));

    private static bool SameClockTime(string answer, string expected) =>
        Clock().IsMatch(Normalise(answer)) && Clock().IsMatch(expected)
        && TimeOnly.TryParse(Normalise(answer), CultureInfo.InvariantCulture, out var a)
        && TimeOnly.TryParse(expected, CultureInfo.InvariantCulture, out var e) && a == e;

    private sealed class TokenComparer : IEqualityComparer<string>
    {
        public static readonly TokenComparer Instance = new();

        public bool Equals(string? x, string? y) =>
            x is not null && y is not null
            && (ParseNumber(x) is { } a && ParseNumber(y) is { } b ? a == b : string.Equals(x, y, StringComparison.OrdinalIgnoreCase));

        public int GetHashCode(string obj) => 0;
    }

    [GeneratedRegex(@"<think>.*?</think>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ThinkBlock();

    [GeneratedRegex(@"\\boxed\{([^{}]*)\}")]
    private static partial Regex Boxed();

    [GeneratedRegex(@"answer\s*[:：]", RegexOptions.IgnoreCase)]
    private static partial Regex ColonMarker();

    [GeneratedRegex(@"answer\s+is\b", RegexOptions.IgnoreCase)]
    private static partial Regex PhraseMarker();

    [GeneratedRegex(@"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|-?\d+(?:\.\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"\b(?:yes|no|true|false)\b", RegexOptions.IgnoreCase)]
    private static partial Regex YesNoWord();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[,;\s]+")]
    private static partial Regex ListSeparator();

    [GeneratedRegex(@"^\d{1,2}:\d{2}$")]
    private static partial Regex Clock();
}
