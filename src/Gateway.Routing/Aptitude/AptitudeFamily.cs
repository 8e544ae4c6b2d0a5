using System.Globalization;

namespace Gateway.Routing.Aptitude;

/// <summary>A task family: a name, what it tests, and a generator of questions from a seeded random source.</summary>
internal sealed record AptitudeFamily(string Name, string Category, string Description, Func<Random, Question> Generate);

/// <summary>Shorthands for building questions in the family tables.</summary>
internal static class Ask
{
    public static Question Integer(string text, long answer) => new(text, answer.ToString(CultureInfo.InvariantCulture), AnswerFormat.Integer);

    public static Question Decimal(string text, decimal answer, int decimals) =>
        new(text, Math.Round(answer, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals, CultureInfo.InvariantCulture), AnswerFormat.Decimal);

    public static Question Text(string text, string answer) => new(text, answer, AnswerFormat.Text);

    public static Question Exact(string text, string answer) => new(text, answer, AnswerFormat.ExactText);

    public static Question YesNo(string text, bool answer) => new(text, answer ? "yes" : "no", AnswerFormat.YesNo);

    public static Question List<T>(string text, IEnumerable<T> answer) =>
        new(text, string.Join(", ", answer.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture))), AnswerFormat.List);
}

/// <summary>Helpers the generators share.</summary>
internal static class RandomExtensions
{
    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary><paramref name="count"/> distinct items, in random order.</summary>
    public static T[] PickDistinct<T>(this Random random, IReadOnlyList<T> items, int count)
    {
        var copy = items.ToArray();
        random.Shuffle(copy);
        return copy[..count];
    }

    /// <summary><paramref name="count"/> distinct integers in [min, max).</summary>
    public static int[] DistinctInts(this Random random, int count, int min, int max)
    {
        var set = new HashSet<int>();
        var list = new List<int>();
        while (list.Count < count)
        {
            var n = random.Next(min, max);
            if (set.Add(n))
            {
                list.Add(n);
            }
        }

        return [.. list];
    }

    public static bool Coin(this Random random) => random.Next(2) == 0;

    public static string Join<T>(this IEnumerable<T> items, string separator = ", ") =>
        string.Join(separator, items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)));
}
