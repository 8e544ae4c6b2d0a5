using System.Text;

namespace Gateway.Routing.Aptitude.Families;

/// <summary>Arithmetic: the four operations, multi-step expressions, percentages, means, word problems, Roman numerals.</summary>
internal static class ArithmeticFamilies
{
    private const string Category = "arithmetic";

    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("add", Category, "Add two numbers of 3–4 digits.", r =>
        {
            var (a, b) = (r.Next(100, 10000), r.Next(100, 10000));
            return Ask.Integer($"What is {a} + {b}?", a + b);
        }),
        new("subtract", Category, "Subtract two numbers of 3–4 digits (the result may be negative).", r =>
        {
            var (a, b) = (r.Next(100, 10000), r.Next(100, 10000));
            return Ask.Integer($"What is {a} - {b}?", a - b);
        }),
        new("multiply", Category, "Multiply a 2-digit by a 2–3-digit number.", r =>
        {
            var (a, b) = (r.Next(12, 100), r.Next(12, 1000));
            return Ask.Integer($"What is {a} × {b}?", a * b);
        }),
        new("divide_remainder", Category, "Integer division: quotient and remainder.", r =>
        {
            var (divisor, quotient) = (r.Next(3, 20), r.Next(10, 500));
            var remainder = r.Next(divisor);
            var dividend = (divisor * quotient) + remainder;
            return Ask.List($"Divide {dividend} by {divisor}. Give the whole-number quotient and the remainder, separated by a comma.", [quotient, remainder]);
        }),
        new("multi_step", Category, "Evaluate an expression with brackets and three operations.", r =>
        {
            var (a, b, c, d) = (r.Next(2, 50), r.Next(2, 50), r.Next(2, 13), r.Next(1, 100));
            return Ask.Integer($"What is ({a} + {b}) × {c} - {d}?", ((a + b) * c) - d);
        }),
        new("percentage", Category, "A whole-number percentage of a number.", r =>
        {
            var (percent, n) = (5 * r.Next(1, 20), 20 * r.Next(1, 50));
            return Ask.Integer($"What is {percent}% of {n}?", percent * n / 100);
        }),
        new("average", Category, "The mean of five whole numbers (the mean is whole).", r =>
        {
            var numbers = Enumerable.Range(0, 4).Select(_ => r.Next(1, 101)).ToList();
            var last = r.Next(1, 96);
            last += (5 - ((numbers.Sum() + last) % 5)) % 5;
            numbers.Add(last);
            return Ask.Integer($"What is the average (arithmetic mean) of {numbers.Join()}?", numbers.Sum() / 5);
        }),
        new("word_problem", Category, "A short word problem: start, buy in packs, give away.", r =>
        {
            var (name, thing) = (r.Pick(Words.Names), r.Pick(Words.Things));
            var (start, packs, perPack) = (r.Next(5, 60), r.Next(2, 8), r.Next(3, 13));
            var given = r.Next(1, start + (packs * perPack));
            return Ask.Integer(
                $"{name} has {start} {thing}, buys {packs} packs of {perPack} {thing} each, then gives away {given} {thing}. How many {thing} does {name} have now?",
                start + (packs * perPack) - given);
        }),
        new("roman_numeral", Category, "Write a number between 1 and 3999 in Roman numerals.", r =>
        {
            var n = r.Next(1, 4000);
            return Ask.Text($"Write {n} in Roman numerals.", Roman(n));
        }),
    ];

    private static string Roman(int n)
    {
        (int Value, string Symbol)[] table =
        [
            (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
        ];
        var roman = new StringBuilder();
        foreach (var (value, symbol) in table)
        {
            for (; n >= value; n -= value)
            {
                roman.Append(symbol);
            }
        }

        return roman.ToString();
    }
}
