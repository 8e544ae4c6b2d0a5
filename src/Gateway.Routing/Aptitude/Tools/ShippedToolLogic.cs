using System.Globalization;
using System.Numerics;

namespace Gateway.Routing.Aptitude.Tools;

/// <summary>
/// The shipped tools' logic (the built-in <c>calculator</c> and the <c>math</c> and <c>text</c> toolsets of
/// <c>config/toolsets</c>), for computing the multi-hop families' answers when the suite is generated. Results are
/// the plain text an agent reads: integers in digits, <c>true</c>/<c>false</c>, text without quotes. Unit tests check
/// every family's answers against the real tools, so this copy cannot drift from them unnoticed.
/// </summary>
internal static class ShippedToolLogic
{
    /// <summary>The tools the families use, with their parameter names in declaration order.</summary>
    public static IReadOnlyDictionary<string, string[]> Parameters { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["calculator"] = ["expression"],
        ["gcd"] = ["a", "b"],
        ["lcm"] = ["a", "b"],
        ["is_prime"] = ["n"],
        ["fibonacci"] = ["n"],
        ["factorial"] = ["n"],
        ["sum_of_digits"] = ["n"],
        ["count_vowels"] = ["text"],
        ["count_words"] = ["text"],
        ["caesar_shift"] = ["text", "shift"],
        ["most_common_letter"] = ["text"],
    };

    /// <summary>Runs one resolved step (no <c>#Ek</c> left in its values).</summary>
    public static string Run(PlanStep step)
    {
        var a = step.Arguments.Select(x => x.Value).ToArray();
        return step.Tool switch
        {
            "calculator" => Calculate(a[0]).ToString(CultureInfo.InvariantCulture),
            "gcd" => Gcd(Int(a[0]), Int(a[1])).ToString(CultureInfo.InvariantCulture),
            "lcm" => (Int(a[0]) * Int(a[1]) / Gcd(Int(a[0]), Int(a[1]))).ToString(CultureInfo.InvariantCulture),
            "is_prime" => Bool(IsPrime(Int(a[0]))),
            "fibonacci" => Fibonacci((int)Int(a[0])).ToString(CultureInfo.InvariantCulture),
            "factorial" => Factorial((int)Int(a[0])).ToString(CultureInfo.InvariantCulture),
            "sum_of_digits" => Math.Abs(Int(a[0])).ToString(CultureInfo.InvariantCulture).Sum(c => c - '0').ToString(CultureInfo.InvariantCulture),
            "count_vowels" => a[0].Count(c => "aeiouAEIOU".Contains(c, StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture),
            "count_words" => a[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length.ToString(CultureInfo.InvariantCulture),
            "caesar_shift" => CaesarShift(a[0], (int)Int(a[1])),
            "most_common_letter" => MostCommonLetter(a[0]),
            _ => throw new ArgumentException($"No reference logic for the tool '{step.Tool}'.", nameof(step)),
        };
    }

    public static long Gcd(long a, long b)
    {
        (a, b) = (Math.Abs(a), Math.Abs(b));
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    public static bool IsPrime(long n)
    {
        if (n < 2)
        {
            return false;
        }

        for (long d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    public static long Fibonacci(int n)
    {
        var (a, b) = (0L, 1L);
        for (var i = 0; i < n; i++)
        {
            (a, b) = (b, a + b);
        }

        return a;
    }

    public static BigInteger Factorial(int n)
    {
        BigInteger product = 1;
        for (var i = 2; i <= n; i++)
        {
            product *= i;
        }

        return product;
    }

    public static string CaesarShift(string text, int shift)
    {
        var k = ((shift % 26) + 26) % 26;
        return new string(text.Select(c => c switch
        {
            >= 'a' and <= 'z' => (char)('a' + ((c - 'a' + k) % 26)),
            >= 'A' and <= 'Z' => (char)('A' + ((c - 'A' + k) % 26)),
            _ => c,
        }).ToArray());
    }

    /// <summary>Ties go to the letter first in the alphabet, as in the toolset's code.</summary>
    public static string MostCommonLetter(string text) =>
        text.ToLowerInvariant().Where(c => c is >= 'a' and <= 'z').GroupBy(c => c)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key.ToString()).FirstOrDefault() ?? "null";

    /// <summary>The calculator on the expressions the families write: <c>x op y</c> with whole numbers and + - *.</summary>
    private static long Calculate(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            throw new ArgumentException($"The reference calculator reads 'x op y', not '{expression}'.", nameof(expression));
        }

        var (x, y) = (Int(parts[0]), Int(parts[2]));
        return parts[1] switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            _ => throw new ArgumentException($"The reference calculator has no operator '{parts[1]}'.", nameof(expression)),
        };
    }

    private static long Int(string text) => long.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";
}
