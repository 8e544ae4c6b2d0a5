namespace Gateway.Routing.Aptitude;

/// <summary>Fixed vocabularies the generators draw from: plain lower-case words, names, places.</summary>
internal static class Words
{
    public static readonly string[] Common =
    [
        "apple", "banana", "window", "garden", "river", "mountain", "pencil", "rocket", "silver", "planet",
        "orange", "basket", "candle", "dragon", "forest", "guitar", "harbor", "island", "jacket", "kitten",
        "ladder", "marble", "needle", "ocean", "pepper", "quartz", "rabbit", "saddle", "turtle", "umbrella",
        "velvet", "walnut", "yellow", "zipper", "anchor", "bridge", "castle", "desert", "engine", "falcon",
        "glacier", "hammer", "insect", "jungle", "kettle", "lantern", "meadow", "nectar", "orchard", "puzzle",
        "strawberry", "mississippi", "bookkeeper", "committee", "balloon", "coffee", "letter", "assessment", "parallel", "tomorrow",
    ];

    public static readonly string[] Names =
    [
        "Alice", "Bruno", "Chloe", "Daniel", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas",
        "Keiko", "Liam", "Maya", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tara",
    ];

    public static readonly string[] Cities =
    [
        "Lisbon", "Oslo", "Nairobi", "Lima", "Osaka", "Dublin", "Quito", "Hanoi", "Perth", "Tunis",
    ];

    public static readonly string[] Fruits = ["apple", "pear", "plum", "fig", "kiwi", "lime"];

    public static readonly string[] Things = ["marbles", "stickers", "cards", "stamps", "shells", "coins"];

    public const string Vowels = "aeiou";

    public static bool IsVowel(char c) => Vowels.Contains(char.ToLowerInvariant(c), StringComparison.Ordinal);

    /// <summary>A phrase of <paramref name="count"/> distinct common words.</summary>
    public static string Phrase(Random random, int count) => string.Join(' ', random.PickDistinct(Common, count));

    /// <summary>A random string of lower-case letters (not a word), for tasks that must not rely on memory.</summary>
    public static string Letters(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray());

    private const string Onsets = "bcdfghjklmnprstvwz";

    /// <summary>
    /// A pronounceable made-up word of <paramref name="syllables"/> consonant-vowel syllables, sometimes closed by a
    /// consonant: drawn fresh per item, so no model can have memorised facts about it.
    /// </summary>
    public static string Pronounceable(Random random, int syllables)
    {
        var word = new System.Text.StringBuilder();
        for (var i = 0; i < syllables; i++)
        {
            word.Append(Onsets[random.Next(Onsets.Length)]).Append(Vowels[random.Next(Vowels.Length)]);
            if (random.Next(4) == 0)
            {
                word.Append(Vowels[random.Next(Vowels.Length)]);
            }
        }

        if (random.Coin())
        {
            word.Append(Onsets[random.Next(Onsets.Length)]);
        }

        return word.ToString();
    }

    /// <summary>A phrase of <paramref name="count"/> pronounceable made-up words.</summary>
    public static string MadeUpPhrase(Random random, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => Pronounceable(random, random.Next(2, 4))));
}
