using System.Globalization;

namespace Gateway.Routing.Aptitude.Families;

/// <summary>Comparisons, minimum and maximum, parity, divisibility, orderings; the next number of a sequence.</summary>
internal static class LogicFamilies
{
    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("compare", "logic", "Whether one number is greater than another (decimals included).", r =>
        {
            decimal a, b;
            if (r.Coin())
            {
                (a, b) = (r.Next(-1000, 1000), r.Next(-1000, 1000));
            }
            else
            {
                var whole = r.Next(1, 10);
                (a, b) = (whole + (r.Next(1, 10) / 10m), whole + (r.Next(1, 100) / 100m));
                (a, b) = r.Coin() ? (a, b) : (b, a);
            }

            return Ask.YesNo($"Is {Show(a)} greater than {Show(b)}?", a > b);
        }),
        new("min_max", "logic", "The smallest or largest number of a list.", r =>
        {
            var numbers = r.DistinctInts(r.Next(6, 10), -100, 1000);
            return r.Coin()
                ? Ask.Integer($"What is the smallest number in this list: {numbers.Join()}?", numbers.Min())
                : Ask.Integer($"What is the largest number in this list: {numbers.Join()}?", numbers.Max());
        }),
        new("parity", "logic", "Whether a number is even (or odd).", r =>
        {
            var n = r.Next(1, 1_000_000);
            return r.Coin() ? Ask.YesNo($"Is {n} an even number?", n % 2 == 0) : Ask.YesNo($"Is {n} an odd number?", n % 2 == 1);
        }),
        new("divisibility", "logic", "Whether one number divides another.", r =>
        {
            var divisor = r.Next(2, 14);
            var n = (divisor * r.Next(5, 80)) + (r.Coin() ? 0 : r.Next(1, divisor));
            return Ask.YesNo($"Is {n} divisible by {divisor}?", n % divisor == 0);
        }),
        new("ordering", "logic", "Who is tallest or shortest, from pairwise comparisons.", r =>
        {
            var ranking = r.PickDistinct(Words.Names, r.Next(3, 5)); // tallest first
            var facts = ranking.Zip(ranking.Skip(1), (taller, shorter) => r.Coin() ? $"{taller} is taller than {shorter}." : $"{shorter} is shorter than {taller}.").ToArray();
            r.Shuffle(facts);
            return r.Coin()
                ? Ask.Text($"{facts.Join(" ")} Who is the tallest?", ranking[0])
                : Ask.Text($"{facts.Join(" ")} Who is the shortest?", ranking[^1]);
        }),
        new("arithmetic_sequence", "sequences", "The next term of an arithmetic sequence.", r =>
        {
            var (start, step) = (r.Next(-20, 51), r.Next(1, 16) * (r.Next(4) == 0 ? -1 : 1));
            return Next(Enumerable.Range(0, 6).Select(i => (long)start + (i * step)).ToArray());
        }),
        new("geometric_sequence", "sequences", "The next term of a geometric sequence.", r =>
        {
            var (start, ratio) = (r.Next(1, 10), r.Next(2, 5));
            return Next(Enumerable.Range(0, 6).Select(i => start * (long)Math.Pow(ratio, i)).ToArray());
        }),
        new("fibonacci_like", "sequences", "The next term when each term is the sum of the two before it.", r =>
        {
            var terms = new List<long> { r.Next(1, 11), r.Next(1, 11) };
            while (terms.Count < 7)
            {
                terms.Add(terms[^1] + terms[^2]);
            }

            return Next([.. terms]);
        }),
    ];

    /// <summary>Shows all terms but the last and asks for it.</summary>
    private static Question Next(long[] terms) =>
        Ask.Integer($"What is the next number in this sequence: {terms[..^1].Join()}, ...?", terms[^1]);

    private static string Show(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
