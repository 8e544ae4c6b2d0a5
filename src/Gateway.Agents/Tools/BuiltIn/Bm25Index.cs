namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>An Okapi BM25 index over passages (k1 = 1.2, b = 0.75).</summary>
internal sealed class Bm25Index
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private readonly List<(string Source, string Text, Dictionary<string, int> Terms, int Length)> _passages = [];
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
    private double _averageLength;

    public int Count => _passages.Count;

    public void Add(string source, string text)
    {
        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        var length = 0;
        foreach (var term in Tokenize(text))
        {
            terms[term] = terms.GetValueOrDefault(term) + 1;
            length++;
        }

        if (length == 0)
        {
            return;
        }

        foreach (var term in terms.Keys)
        {
            _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
        }

        _passages.Add((source, text, terms, length));
        _averageLength = _passages.Average(p => (double)p.Length);
    }

    /// <summary>The best <paramref name="top"/> passages for <paramref name="query"/>, best first; passages sharing no term are left out.</summary>
    public IReadOnlyList<(string Source, string Text, double Score)> Search(string query, int top)
    {
        var terms = Tokenize(query).Distinct(StringComparer.Ordinal).ToList();
        var n = _passages.Count;
        return _passages
            .Select(p => (p.Source, p.Text, Score: terms.Sum(t => Score(p.Terms, p.Length, t, n))))
            .Where(r => r.Score > 0)
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Source, StringComparer.Ordinal)
            .Take(top)
            .ToList();
    }

    private double Score(Dictionary<string, int> terms, int length, string term, int n)
    {
        if (!terms.TryGetValue(term, out var frequency))
        {
            return 0;
        }

        var df = _documentFrequency[term];
        var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
        return idf * frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * length / _averageLength))));
    }

    /// <summary>Lower-case runs of letters and digits.</summary>
    public static IEnumerable<string> Tokenize(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }
}
