using Gateway.Routing.Aptitude.Tools;
using static Gateway.Routing.Aptitude.Tools.Plan;

namespace Gateway.Routing.Aptitude.Families;

/// <summary>
/// Multi-hop tool questions: two to four dependent steps over the shipped tools (the built-in <c>calculator</c> and
/// the <c>math</c> and <c>text</c> toolsets). Numbers and made-up words are drawn fresh per item. Each item carries
/// its reference plan; its answer is what running that plan gives, so a model that only recalls cannot answer.
/// Names say the step count (<c>hop2_</c>, <c>hop3_</c>, <c>hop4_</c>).
/// </summary>
internal static class ToolFamilies
{
    private const string Category = "tools";

    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("hop2_digit_sum_product", Category, "Sum of the digits of a product (calculator, sum_of_digits).", r =>
        {
            var (a, b) = (r.Next(12, 100), r.Next(12, 1000));
            return Integer($"What is the sum of the digits of {a} × {b}?",
                Step("calculator", ("expression", $"{a} * {b}")),
                Step("sum_of_digits", ("n", E(1))));
        }),
        new("hop2_gcd_prime", Category, "Whether the gcd of two numbers is prime (gcd, is_prime).", r =>
        {
            var (a, b) = SharedFactor(r);
            return YesNo($"Is the greatest common divisor of {a} and {b} a prime number?",
                Step("gcd", ("a", a), ("b", b)),
                Step("is_prime", ("n", E(1))));
        }),
        new("hop2_shift_vowels", Category, "Vowels in a made-up word after a Caesar shift (caesar_shift, count_vowels).", r =>
        {
            var (word, shift) = (Words.Pronounceable(r, r.Next(2, 4)), r.Next(1, 26));
            return Integer($"Shift the letters of \"{word}\" forward by {shift} (Caesar cipher). How many vowels does the result have?",
                Step("caesar_shift", ("text", word), ("shift", shift)),
                Step("count_vowels", ("text", E(1))));
        }),
        new("hop2_words_factorial", Category, "The factorial of a phrase's word count (count_words, factorial).", r =>
        {
            var phrase = Words.MadeUpPhrase(r, r.Next(2, 7));
            return Integer($"What is the factorial of the number of words in \"{phrase}\"?",
                Step("count_words", ("text", phrase)),
                Step("factorial", ("n", E(1))));
        }),
        new("hop3_lcm_digits_prime", Category, "Whether the digit sum of an lcm is prime (lcm, sum_of_digits, is_prime).", r =>
        {
            var (a, b) = (r.Next(4, 60), r.Next(4, 60));
            return YesNo($"Is the sum of the digits of the least common multiple of {a} and {b} a prime number?",
                Step("lcm", ("a", a), ("b", b)),
                Step("sum_of_digits", ("n", E(1))),
                Step("is_prime", ("n", E(2))));
        }),
        new("hop3_vowels_times_words", Category, "A phrase's vowel count times its word count (count_vowels, count_words, calculator).", r =>
        {
            var phrase = Words.MadeUpPhrase(r, r.Next(2, 5));
            return Integer($"Multiply the number of vowels in \"{phrase}\" by its number of words. What is the product?",
                Step("count_vowels", ("text", phrase)),
                Step("count_words", ("text", phrase)),
                Step("calculator", ("expression", $"{E(1)} * {E(2)}")));
        }),
        new("hop3_gcd_shift_letter", Category, "The most common letter of a word shifted by a gcd (gcd, caesar_shift, most_common_letter).", r =>
        {
            var (a, b) = SharedFactor(r);
            var word = Words.Pronounceable(r, r.Next(2, 4));
            return Text($"Shift the letters of \"{word}\" forward by the greatest common divisor of {a} and {b} (Caesar cipher). Which letter is most common in the result (ties: first in the alphabet)?",
                Step("gcd", ("a", a), ("b", b)),
                Step("caesar_shift", ("text", word), ("shift", E(1))),
                Step("most_common_letter", ("text", E(2))));
        }),
        new("hop4_gcd_digits_fibonacci", Category, "The Fibonacci number at the digit sum of a gcd times a number (gcd, calculator, sum_of_digits, fibonacci).", r =>
        {
            var (a, b) = SharedFactor(r);
            var c = r.Next(3, 40);
            return Integer($"Multiply the greatest common divisor of {a} and {b} by {c}, add up the digits of the product, and give the Fibonacci number at that position (F(1) = F(2) = 1).",
                Step("gcd", ("a", a), ("b", b)),
                Step("calculator", ("expression", $"{E(1)} * {c}")),
                Step("sum_of_digits", ("n", E(2))),
                Step("fibonacci", ("n", E(3))));
        }),
        new("hop4_vowels_lcm_plus", Category, "The lcm of two words' vowel counts plus a number (count_vowels ×2, lcm, calculator).", r =>
        {
            var (first, second) = (Words.Pronounceable(r, r.Next(2, 5)), Words.Pronounceable(r, r.Next(2, 5)));
            var n = r.Next(2, 100);
            return Integer($"Take the least common multiple of the number of vowels in \"{first}\" and the number of vowels in \"{second}\", then add {n}. What is the result?",
                Step("count_vowels", ("text", first)),
                Step("count_vowels", ("text", second)),
                Step("lcm", ("a", E(1)), ("b", E(2))),
                Step("calculator", ("expression", $"{E(3)} + {n}")));
        }),
    ];

    /// <summary>Two numbers whose gcd is prime about half the time (a prime or composite factor times two coprime numbers).</summary>
    private static (int A, int B) SharedFactor(Random r)
    {
        int[] primes = [2, 3, 5, 7, 11, 13, 17];
        int[] composites = [4, 6, 8, 9, 10, 12, 14, 15];
        var factor = r.Coin() ? r.Pick(primes) : r.Pick(composites);
        int x, y;
        do
        {
            (x, y) = (r.Next(2, 12), r.Next(2, 12));
        }
        while (x == y || ShippedToolLogic.Gcd(x, y) != 1);

        return (factor * x, factor * y);
    }

    private static Question Integer(string text, params PlanStep[] plan) => Ask.Integer(text, long.Parse(Answer(plan), System.Globalization.CultureInfo.InvariantCulture)) with { Plan = plan };

    private static Question YesNo(string text, params PlanStep[] plan) => Ask.YesNo(text, Answer(plan) == "true") with { Plan = plan };

    private static Question Text(string text, params PlanStep[] plan) => Ask.Text(text, Answer(plan)) with { Plan = plan };

    /// <summary>The last step's result when the plan runs through the shipped tools' logic.</summary>
    private static string Answer(IReadOnlyList<PlanStep> plan) => Plan.Run(plan, ShippedToolLogic.Run)[^1];
}
