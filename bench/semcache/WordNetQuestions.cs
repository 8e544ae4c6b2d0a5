namespace Gateway.Bench.SemCache;

/// <summary>One concept: the question first asked about it (stored), a paraphrase, and a question about a sibling concept in the first question's wording.</summary>
internal sealed record Concept(string Family, string Id, string Stored, string Paraphrase, string Sibling, string SiblingId);

/// <summary>
/// Paraphrase questions built from WordNet 3.0 (Princeton, the Debian package <c>wordnet-base</c>): a concept is a
/// synset; its paraphrase asks the same thing with another template and, where the synset has one, a synonym; its
/// sibling (a synset with the same hypernym) asked in the stored question's own words is a different question with
/// high word overlap ("What is the capital of France?" / "... of Germany?"). Three families: definitions of common
/// nouns, capitals of countries (instances of a country synset), and antonyms of adjectives.
/// </summary>
internal static class WordNetQuestions
{
    private static readonly string[] Definition =
    [
        "What is a {0}?", "Can you explain what a {0} is?", "What does the word \"{0}\" mean?", "Define {0}.",
        "Tell me what {0} means.", "What's the meaning of {0}?", "Explain the term {0} to me.", "I'd like to know what a {0} is.",
    ];

    private static readonly string[] Capital =
    [
        "What is the capital of {0}?", "Which city is the capital of {0}?", "What city serves as the capital of {0}?",
        "Name the capital city of {0}.", "What's {0}'s capital?", "Tell me the capital of {0}.",
    ];

    private static readonly string[] Antonym =
    [
        "What is the opposite of {0}?", "What's an antonym for {0}?", "Give me a word that means the opposite of {0}.",
        "Which word is the antonym of {0}?", "What word means the reverse of {0}?",
    ];

    public static List<Concept> Load(string wordnet, int seed)
    {
        var random = new Random(seed);
        var nouns = Synsets(Path.Combine(wordnet, "data.noun"));
        var adjectives = Synsets(Path.Combine(wordnet, "data.adj"));
        var familiar = Familiar(Path.Combine(wordnet, "index.noun"));
        var concepts = new List<Concept>();

        // Common nouns: a synset that is the first, tagged sense of its first lemma, with a hypernym.
        var common = nouns.Values.Where(s => s.Hypernym is not null && s.Lemmas[0].All(c => char.IsLower(c) || c == ' ') && familiar.Contains((s.Lemmas[0], s.Offset))).ToList();
        Add(concepts, "definition", common, Definition, random);

        // Countries: instances of a synset whose lemma names a country.
        var countryKinds = nouns.Values.Where(s => s.Lemmas.Any(l => l is "country" or "European country" or "African country" or "Asian country" or "South American country")).Select(s => s.Offset).ToHashSet();
        var countries = nouns.Values.Where(s => s.Instance is { } i && countryKinds.Contains(i)).Select(s => s with { Hypernym = "country" }).ToList();
        Add(concepts, "capital", countries, Capital, random);

        // Adjectives: head synsets (with an antonym), the antonym relation standing in for a shared hypernym.
        var heads = adjectives.Values.Where(s => s.Antonym is not null && s.Lemmas[0].All(char.IsLower)).Select(s => s with { Hypernym = "adjective" }).ToList();
        Add(concepts, "antonym", heads, Antonym, random);
        return concepts;
    }

    private static void Add(List<Concept> concepts, string family, List<Synset> synsets, string[] templates, Random random)
    {
        // A lemma of several synsets would ask one question about two concepts: keep its first synset only.
        synsets = synsets.GroupBy(s => s.Lemmas[0], StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
        var byParent = synsets.GroupBy(s => s.Hypernym!).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var synset in synsets)
        {
            var siblings = byParent[synset.Hypernym!].Where(s => !s.Lemmas.Intersect(synset.Lemmas, StringComparer.OrdinalIgnoreCase).Any()).ToList();
            if (siblings.Count == 0)
            {
                continue;
            }

            var sibling = siblings[random.Next(siblings.Count)];

            var i = random.Next(templates.Length);
            var j = (i + 1 + random.Next(templates.Length - 1)) % templates.Length;
            var lemma = synset.Lemmas[0];
            var synonym = synset.Lemmas.Length > 1 ? synset.Lemmas[1 + random.Next(synset.Lemmas.Length - 1)] : lemma;
            concepts.Add(new Concept(family, family + ":" + synset.Offset,
                string.Format(System.Globalization.CultureInfo.InvariantCulture, templates[i], lemma),
                string.Format(System.Globalization.CultureInfo.InvariantCulture, templates[j], synonym),
                string.Format(System.Globalization.CultureInfo.InvariantCulture, templates[i], sibling.Lemmas[0]),
                family + ":" + sibling.Offset));
        }
    }

    private sealed record Synset(string Offset, string[] Lemmas, string? Hypernym, string? Instance, string? Antonym);

    // data.*: "offset lex_filenum ss_type w_cnt(hex) word lex_id ... p_cnt ptr ... | gloss".
    private static Dictionary<string, Synset> Synsets(string path)
    {
        var result = new Dictionary<string, Synset>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(' '))
            {
                continue;
            }

            var fields = line[..line.IndexOf(" | ", StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var words = Convert.ToInt32(fields[3], 16);
            var lemmas = Enumerable.Range(0, words).Select(k => Clean(fields[4 + (2 * k)])).Distinct().ToArray();
            var at = 4 + (2 * words);
            var pointers = int.Parse(fields[at], System.Globalization.CultureInfo.InvariantCulture);
            string? hypernym = null, instance = null, antonym = null;
            for (var p = 0; p < pointers; p++)
            {
                var symbol = fields[at + 1 + (4 * p)];
                var target = fields[at + 2 + (4 * p)];
                if (symbol == "@") { hypernym ??= target; }
                else if (symbol == "@i") { instance ??= target; }
                else if (symbol == "!") { antonym ??= target; }
            }

            result[fields[0]] = new Synset(fields[0], lemmas, hypernym ?? instance, instance, antonym);
        }

        return result;
    }

    // index.noun: "lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset...": the first sense of each tagged lemma.
    private static HashSet<(string, string)> Familiar(string path)
    {
        var result = new HashSet<(string, string)>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(' '))
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var pointers = int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture);
            var tagged = int.Parse(fields[5 + pointers], System.Globalization.CultureInfo.InvariantCulture);
            if (tagged > 0)
            {
                result.Add((Clean(fields[0]), fields[6 + pointers]));
            }
        }

        return result;
    }

    // Lemmas use '_' for spaces; adjectives may carry a syntactic marker such as "(a)".
    private static string Clean(string lemma)
    {
        var paren = lemma.IndexOf('(', StringComparison.Ordinal);
        return (paren > 0 ? lemma[..paren] : lemma).Replace('_', ' ');
    }
}
