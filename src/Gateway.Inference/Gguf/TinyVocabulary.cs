namespace Gateway.Inference.Gguf;

/// <summary>
/// A small SentencePiece ("llama") vocabulary: <c>&lt;unk&gt;</c>, the family's special tokens, the 256 byte-fallback
/// tokens that keep any input tokenizable, single characters and a few whole words with every prefix so merges succeed.
/// </summary>
internal static class TinyVocabulary
{
    private const int Normal = SentencePieceHead.Normal;
    internal const uint UnknownId = 0;

    private static readonly string[] Words =
    [
        "the", "and", "you", "that", "was", "for", "are", "with", "his", "they", "this", "have", "from",
        "one", "had", "word", "but", "not", "what", "all", "were", "when", "your", "can", "said", "there",
        "use", "each", "which", "she", "how", "their", "will", "other", "about", "out", "many", "then",
        "them", "these", "some", "her", "would", "make", "like", "him", "into", "time", "has", "look",
        "two", "more", "write", "see", "number", "way", "could", "people", "than", "first", "water",
        "been", "call", "who", "its", "now", "find", "long", "down", "day", "did", "get", "come", "made",
        "may", "part", "name", "city", "true", "false", "null", "hello", "world", "model", "answer",
    ];

    /// <summary>Whole words the tiny vocabularies carry as pieces (SentencePiece) or merge chains (BPE).</summary>
    internal static IReadOnlyList<string> CommonWords => Words;

    /// <param name="specials">The family's special tokens, placed after <c>&lt;unk&gt;</c>.</param>
    /// <param name="size">Pads the vocabulary to this many tokens with filler pieces that score below every other piece.</param>
    public static GgufVocabulary Build(SpecialTokenSet specials, int? size = null)
    {
        var tokens = new List<string>();
        var scores = new List<float>();
        var types = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Add(string token, float score, int type)
        {
            if (seen.Add(token))
            {
                tokens.Add(token);
                scores.Add(score);
                types.Add(type);
            }
        }

        foreach (var (token, type) in SentencePieceHead.Tokens(specials))
        {
            Add(token, 0, type);
        }

        // Single characters score lowest so longer pieces win merges.
        Add("\u2581", -1000, Normal);
        const string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?'\"{}[]()-_+*/=<>#@&%$\\|~`^";
        foreach (var c in chars)
        {
            Add(c.ToString(), -1000, Normal);
            Add("\u2581" + c, -900, Normal);
        }
        foreach (var word in Words)
        {
            var piece = "\u2581" + word;
            for (var n = 3; n <= piece.Length; n++)
            {
                Add(piece[..n], -900 + n * 10, Normal);
            }
            for (var n = 2; n <= word.Length; n++)
            {
                Add(word[..n], -950 + n * 10, Normal);
            }
        }
        for (var i = 0; tokens.Count < size; i++)
        {
            Add("\u2581~" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), -2000, Normal);
        }
        uint Id(string text) => (uint)tokens.IndexOf(text);
        return new GgufVocabulary(tokens, scores, types, Id(specials.Bos), Id(specials.Eos), specials.Eot is null ? null : Id(specials.Eot), UnknownId)
        {
            AddBos = specials.AddBos,
            EomId = specials.Eom is null ? null : Id(specials.Eom),
        };
    }
}
