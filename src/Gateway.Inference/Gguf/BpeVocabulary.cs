using System.Text;

namespace Gateway.Inference.Gguf;

/// <summary>
/// A small byte-level BPE (<c>gpt2</c>) vocabulary shaped like Llama 3's and Qwen's: the 256 byte tokens in GPT-2's
/// byte-to-character alphabet (a space is <c>Ġ</c>), merge chains that build a few whole words and a few multi-byte
/// characters, optional filler, then the family's special tokens at the end, as real files place them. Every byte is a
/// token, so any text tokenizes; a handful of merges is enough for llama.cpp to exercise its merge path.
/// </summary>
internal static class BpeVocabulary
{
    private const int Normal = SentencePieceHead.Normal;

    /// <summary>Characters whose UTF-8 bytes merge into one token, so multi-byte text also meets merges.</summary>
    private const string MergedCharacters = "éèàüöñç世界你好";

    /// <summary>GPT-2's <c>bytes_to_unicode</c>: printable Latin-1 bytes stand for themselves, the rest map from U+0100 up.</summary>
    internal static IReadOnlyList<char> ByteCharacters { get; } = BuildByteCharacters();

    /// <param name="specials">The family's special tokens, appended after every normal token.</param>
    /// <param name="size">Pads the normal tokens so the vocabulary holds this many tokens in all.</param>
    public static GgufVocabulary Build(SpecialTokenSet specials, int? size = null)
    {
        var tokens = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var merges = new List<string>();

        foreach (var c in ByteCharacters)
        {
            seen.Add(c.ToString());
            tokens.Add(c.ToString());
        }

        // Each chain merges left to right ("Ġ w", "Ġw o", …), so every merge result is itself a token: llama.cpp looks
        // merged symbols up in the vocabulary and would otherwise fall back to bytes.
        void Chain(IReadOnlyList<string> symbols)
        {
            var left = symbols[0];
            foreach (var right in symbols.Skip(1))
            {
                var merged = left + right;
                if (seen.Add(merged))
                {
                    merges.Add(left + " " + right);
                    tokens.Add(merged);
                }
                left = merged;
            }
        }

        foreach (var word in TinyVocabulary.CommonWords)
        {
            Chain(Encode(" " + word));
            Chain(Encode(word));
        }
        foreach (var c in MergedCharacters)
        {
            Chain(Encode(c.ToString()));
        }
        for (var i = 0; tokens.Count + specials.Tokens.Count < size; i++)
        {
            var filler = "~" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (seen.Add(filler))
            {
                tokens.Add(filler);
            }
        }

        var types = Enumerable.Repeat(Normal, tokens.Count).ToList();
        foreach (var token in specials.Tokens)
        {
            tokens.Add(token.Text);
            types.Add(token.Control ? SentencePieceHead.Control : SentencePieceHead.UserDefined);
        }
        uint Id(string text) => (uint)tokens.LastIndexOf(text);
        return new GgufVocabulary(tokens, Enumerable.Repeat(0f, tokens.Count).ToArray(), types,
            Id(specials.Bos), Id(specials.Eos), specials.Eot is null ? null : Id(specials.Eot), UnknownId: null)
        {
            Model = "gpt2",
            Merges = merges,
            PreTokenizer = specials.BpePreTokenizer,
            AddBos = specials.AddBos,
            EomId = specials.Eom is null ? null : Id(specials.Eom),
        };
    }

    /// <summary>The byte-level symbols of <paramref name="text"/>'s UTF-8 bytes.</summary>
    internal static IReadOnlyList<string> Encode(string text) =>
        Encoding.UTF8.GetBytes(text).Select(b => ByteCharacters[b].ToString()).ToList();

    private static char[] BuildByteCharacters()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }
}
