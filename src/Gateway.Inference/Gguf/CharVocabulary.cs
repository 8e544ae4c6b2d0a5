using System.Text;

namespace Gateway.Inference.Gguf;

/// <summary>
/// A character-level SentencePiece vocabulary for trained tiny models: the control tokens, the 256 byte tokens
/// (any other character falls back to its UTF-8 bytes, so llama.cpp never meets an unknown character), the
/// SentencePiece space <c>▁</c> and every printable ASCII character. It has no multi-character pieces, so
/// llama.cpp's tokenizer never merges and <see cref="Tokenize"/> reproduces it exactly.
/// </summary>
public static class CharVocabulary
{
    /// <summary>Id of <c>&lt;unk&gt;</c>; never produced by <see cref="Tokenize"/>, since unknown characters become byte tokens.</summary>
    public const int UnknownId = 0;

    /// <summary>Id of <c>&lt;s&gt;</c>, the beginning-of-sequence token.</summary>
    public const int BosId = 1;

    /// <summary>Id of <c>&lt;/s&gt;</c>, the end-of-sequence token.</summary>
    public const int EosId = 2;

    /// <summary>Id of <c>&lt;|im_start|&gt;</c>, which opens a ChatML message.</summary>
    public const int ImStartId = 3;

    /// <summary>Id of <c>&lt;|im_end|&gt;</c>, which closes a ChatML message and is the vocabulary's end-of-turn token.</summary>
    public const int ImEndId = 4;
    private const int FirstByteId = SentencePieceHead.FirstByteId;
    /// <summary>Id of the SentencePiece space <c>▁</c>, right after the 256 byte tokens.</summary>
    public const int SpaceId = FirstByteId + 256;
    private const int FirstCharId = SpaceId + 1;
    private const char FirstChar = '!';
    private const char LastChar = '~';
    private const string Space = "\u2581";

    private static string[] Specials => SentencePieceHead.ControlTokens;

    /// <summary>The number of tokens: control tokens, byte tokens, the space and the 94 printable ASCII characters.</summary>
    public static int Size => FirstCharId + (LastChar - FirstChar + 1);

    /// <summary>The vocabulary as GGUF stores it (every score zero), to write into a model file.</summary>
    public static GgufVocabulary Build()
    {
        var tokens = new List<string>();
        var types = new List<int>();
        foreach (var (token, type) in SentencePieceHead.Tokens())
        {
            tokens.Add(token);
            types.Add(type);
        }
        tokens.Add(Space);
        types.Add(SentencePieceHead.Normal);
        for (var c = FirstChar; c <= LastChar; c++)
        {
            tokens.Add(c.ToString());
            types.Add(SentencePieceHead.Normal);
        }
        return new GgufVocabulary(tokens, Enumerable.Repeat(0f, tokens.Count).ToArray(), types, BosId, EosId, ImEndId, UnknownId);
    }

    /// <summary>
    /// Tokenizes as llama.cpp does for this vocabulary (<c>add_space_prefix</c> on): control tokens written in the text
    /// are parsed when <paramref name="special"/> is set, and each run of text that starts the input or follows a
    /// control token gets a leading <c>▁</c>.
    /// </summary>
    public static List<int> Tokenize(string text, bool addBos, bool special)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length + 8);
        if (addBos)
        {
            output.Add(BosId);
        }
        var previousSpecial = true;
        var position = 0;
        while (position < text.Length)
        {
            var (next, id) = special ? NextSpecial(text, position) : (-1, -1);
            var end = next < 0 ? text.Length : next;
            if (end > position)
            {
                AppendText(output, text.AsSpan(position, end - position), previousSpecial);
                previousSpecial = false;
            }
            if (next < 0)
            {
                break;
            }
            output.Add(id);
            previousSpecial = true;
            position = next + Specials[id].Length;
        }
        return output;
    }

    /// <summary>The tokens of generated text: no prefix, no control tokens.</summary>
    public static List<int> TokenizeContinuation(string text)
    {
        var output = new List<int>(text.Length);
        AppendText(output, text, prefixSpace: false);
        return output;
    }

    /// <summary>The text a token stands for (control tokens give nothing), as llama.cpp writes generated pieces.</summary>
    public static string Piece(int id) => id switch
    {
        < FirstByteId => string.Empty,
        < SpaceId => ((char)(id - FirstByteId)).ToString(),
        SpaceId => " ",
        _ => ((char)(FirstChar + id - FirstCharId)).ToString(),
    };

    private static void AppendText(List<int> output, ReadOnlySpan<char> text, bool prefixSpace)
    {
        if (prefixSpace)
        {
            output.Add(SpaceId);
        }
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ')
            {
                output.Add(SpaceId);
            }
            else if (c is >= FirstChar and <= LastChar)
            {
                output.Add(FirstCharId + (c - FirstChar));
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length
                    ? Encoding.UTF8.GetBytes(text.Slice(i++, 2), bytes)
                    : Encoding.UTF8.GetBytes(text.Slice(i, 1), bytes);
                foreach (var b in bytes[..length])
                {
                    output.Add(FirstByteId + b);
                }
            }
        }
    }

    private static (int Index, int Id) NextSpecial(string text, int from)
    {
        var best = (-1, -1);
        for (var id = 0; id < Specials.Length; id++)
        {
            var index = text.IndexOf(Specials[id], from, StringComparison.Ordinal);
            if (index >= 0 && (best.Item1 < 0 || index < best.Item1))
            {
                best = (index, id);
            }
        }
        return best;
    }
}
