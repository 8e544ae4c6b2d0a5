using System.Globalization;

namespace Gateway.Inference.Grammar;

/// <summary>
/// GBNF for integers (and numbers) within bounds, digit by digit: [13, 247] becomes
/// <c>"1" [3-9] | [2-9] [0-9] | "1" [0-9] [0-9] | "2" [0-3] [0-9] | "24" [0-7]</c>, never with a leading zero.
/// </summary>
internal static class RangeGrammar
{
    /// <summary>The largest magnitude an unbounded side reaches, as the plain integer rule does (six digits).</summary>
    public const long Reach = 999_999;

    /// <summary>An integer in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static string Integer(long low, long high)
    {
        if (low > high)
        {
            throw new GrammarException($"No integer lies between {low} and {high}.");
        }
        var parts = new List<string>();
        if (low < 0)
        {
            // -5..-2 is "-" followed by 2..5.
            var negative = NonNegative(Math.Max(1, high < 0 ? -high : 1), -low);
            parts.Add($"\"-\" ( {string.Join(" | ", negative)} )");
        }
        if (high >= 0)
        {
            parts.AddRange(NonNegative(Math.Max(0, low), high));
        }
        return parts.Count == 1 ? parts[0] : "( " + string.Join(" | ", parts) + " )";
    }

    /// <summary>
    /// A number in [<paramref name="low"/>, <paramref name="high"/>]: an integer in range, and below the top a
    /// fraction after a non-negative integer part (a fraction moves a negative number away from zero).
    /// </summary>
    public static string Number(double low, double high)
    {
        var lo = (long)Math.Ceiling(low);
        var hi = (long)Math.Floor(high);
        if (lo > hi)
        {
            throw new GrammarException($"The grammar writes numbers with a whole part; none lies between {low} and {high}.");
        }
        var whole = Integer(lo, hi);
        var fractionLow = Math.Max(lo, 0);
        return fractionLow <= hi - 1
            ? $"( {Integer(fractionLow, hi - 1)} \".\" [0-9]{{1,4}} | {whole} )"
            : whole;
    }

    /// <summary>Alternatives covering [low, high], both non-negative.</summary>
    private static List<string> NonNegative(long low, long high)
    {
        var result = new List<string>();
        for (var digits = Digits(low); digits <= Digits(high); digits++)
        {
            var first = Math.Max(low, digits == 1 ? 0 : Pow10(digits - 1));
            var last = Math.Min(high, Pow10(digits) - 1);
            SameLength(first, last, result);
        }
        return result;
    }

    /// <summary>Covers [low, high] (numbers with the same count of digits) by a prefix and free trailing digits each.</summary>
    private static void SameLength(long low, long high, List<string> result)
    {
        var pieces = new List<(string Prefix, int Free)>();
        var start = low;
        while (start <= high)
        {
            var free = 0;
            while (start % Pow10(free + 1) == 0 && start + Pow10(free + 1) - 1 <= high && free + 1 < Digits(start))
            {
                free++;
            }
            var text = start.ToString(CultureInfo.InvariantCulture);
            pieces.Add((text[..^free], free));
            start += Pow10(free);
        }

        // Neighbours that differ only in their prefix's last digit become one class: "1" [0-9] … "8" [0-9] is [1-8] [0-9].
        for (var i = 0; i < pieces.Count;)
        {
            var (prefix, free) = pieces[i];
            var j = i;
            while (j + 1 < pieces.Count && pieces[j + 1].Free == free && pieces[j + 1].Prefix.Length == prefix.Length
                && pieces[j + 1].Prefix[..^1] == prefix[..^1] && pieces[j + 1].Prefix[^1] == pieces[j].Prefix[^1] + 1)
            {
                j++;
            }
            var head = prefix[..^1];
            var fixedDigits = i == j
                ? $"\"{prefix}\""
                : (head.Length > 0 ? $"\"{head}\" " : "") + $"[{prefix[^1]}-{pieces[j].Prefix[^1]}]";
            result.Add(fixedDigits + (free > 0 ? $" [0-9]{{{free}}}" : ""));
            i = j + 1;
        }
    }

    private static int Digits(long value) => value.ToString(CultureInfo.InvariantCulture).Length;

    private static long Pow10(int exponent)
    {
        var result = 1L;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }
}
