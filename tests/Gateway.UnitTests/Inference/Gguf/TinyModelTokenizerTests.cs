using System.Text;
using Gateway.Inference.Gguf;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gateway.UnitTests.Inference.Gguf;

/// <summary>
/// Tiny models written with each family's special tokens and both tokenizer kinds, loaded by the real llama.cpp
/// that LLamaSharp ships: the vocabulary loads, every special token is one token, and text survives a round trip.
/// </summary>
public sealed class TinyModelTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tiny-tokenizer-").FullName;

    public static TheoryData<string, TinyTokenizer> Families() => new()
    {
        { "llama3", TinyTokenizer.Bpe },
        { "chatml", TinyTokenizer.Bpe },
        { "mistral", TinyTokenizer.SentencePiece },
        { "llama3", TinyTokenizer.SentencePiece },
        { "chatml", TinyTokenizer.SentencePiece },
        { "mistral", TinyTokenizer.Bpe },
        { "default", TinyTokenizer.Bpe },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Write_FamilyTokens_LlamaCppParsesEachSpecialTokenAsOneToken(string family, TinyTokenizer tokenizer)
    {
        var specials = SpecialTokenSet.Named(family)!;
        var (weights, tokens) = Load(family, tokenizer);
        using var _ = weights;

        Assert.Equal(tokenizer == TinyTokenizer.Bpe ? LLamaVocabType.BytePairEncoding : LLamaVocabType.SentencePiece, weights.Vocab.Type);
        foreach (var special in specials.Tokens)
        {
            var parsed = weights.Tokenize(special.Text, false, true, Encoding.UTF8);
            Assert.Equal([tokens.IndexOf(special.Text)], parsed.Select(t => (int)t));
            if (special.Control)
            {
                // Without parse_special a control token's text is ordinary text, so a prompt cannot forge one.
                Assert.True(weights.Tokenize(special.Text, false, false, Encoding.UTF8).Length > 1, special.Text);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Write_FamilyTokens_BosEosAndEndOfTurnAreTheFamilys(string family, TinyTokenizer tokenizer)
    {
        var specials = SpecialTokenSet.Named(family)!;
        var (weights, tokens) = Load(family, tokenizer);
        using var _ = weights;

        Assert.Equal(tokens.IndexOf(specials.Bos), (int)weights.Vocab.BOS!.Value);
        Assert.Equal(tokens.IndexOf(specials.Eos), (int)weights.Vocab.EOS!.Value);
        Assert.Equal(specials.AddBos, weights.Vocab.ShouldAddBOS);
        if (specials.Eot is { } eot)
        {
            Assert.Equal(tokens.IndexOf(eot), (int)weights.Vocab.EOT!.Value);
        }
        var prompt = weights.Tokenize("hi", true, true, Encoding.UTF8);
        Assert.Equal(specials.AddBos, prompt[0] == weights.Vocab.BOS!.Value);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Write_FamilyTokens_AsciiAndNonAsciiTextRoundTrips(string family, TinyTokenizer tokenizer)
    {
        var (weights, _) = Load(family, tokenizer);
        using var __ = weights;

        foreach (var text in new[] { "héllo 世界", "the model said: {\"city\": \"Paris\"}\n\tdone 🎉", "Ünïcödé ñ ç € ¿qué? sí" })
        {
            var ids = weights.Tokenize(text, false, false, Encoding.UTF8);
            var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
            decoder.AddRange(ids);
            // SentencePiece adds a space before the first word (add_space_prefix), and the piece keeps it.
            var expected = tokenizer == TinyTokenizer.SentencePiece ? " " + text : text;
            Assert.Equal(expected, decoder.Read());
        }
    }

    [Theory]
    [InlineData("llama3")]
    [InlineData("chatml")]
    public void Write_Bpe_MergesBuildWholeWordsAndMultiByteCharacters(string family)
    {
        var (weights, tokens) = Load(family, TinyTokenizer.Bpe);
        using var _ = weights;

        // "Ġthe" (space + word) and "Ã©" (é's two UTF-8 bytes) exist only through merges.
        Assert.Equal([tokens.IndexOf("Ġthe")], weights.Tokenize(" the", false, false, Encoding.UTF8).Select(t => (int)t));
        Assert.Equal([tokens.IndexOf("Ã©")], weights.Tokenize("é", false, false, Encoding.UTF8).Select(t => (int)t));
        // A word without merges falls back to one token per byte: "xq" has no merge chain.
        Assert.Equal(2, weights.Tokenize("xq", false, false, Encoding.UTF8).Length);
    }

    [Fact]
    public void Write_Bpe_WritesGpt2ModelMergesAndTheFamilysPreTokenizer()
    {
        var path = Path.Combine(_dir, "bpe.gguf");
        TinyModel.Write(path, new TinyModelOptions { Tokenizer = TinyTokenizer.Bpe, SpecialTokens = SpecialTokenSet.ChatMl });
        var metadata = GgufReader.Read(path).Metadata;

        Assert.Equal("gpt2", metadata["tokenizer.ggml.model"]);
        Assert.Equal("qwen2", metadata["tokenizer.ggml.pre"]);
        Assert.Contains("Ġ t", ((object[])metadata["tokenizer.ggml.merges"]).Cast<string>());
        Assert.False(metadata.ContainsKey("tokenizer.ggml.scores"));
        Assert.False(metadata.ContainsKey("tokenizer.ggml.unknown_token_id"));
        Assert.Equal(false, metadata["tokenizer.ggml.add_bos_token"]);
    }

    [Fact]
    public void Write_ChatTemplate_CarriesItAndInfersTheFamilysTokens()
    {
        const string template = "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\n\n{{ m.content }}<|eot_id|>{% endfor %}";
        var path = Path.Combine(_dir, "llama3.gguf");
        TinyModel.Write(path, new TinyModelOptions { Tokenizer = TinyTokenizer.Bpe, ChatTemplate = template });
        var metadata = GgufReader.Read(path).Metadata;
        var tokens = ((object[])metadata["tokenizer.ggml.tokens"]).Cast<string>().ToList();

        Assert.Equal(template, metadata["tokenizer.chat_template"]);
        Assert.Equal((uint)tokens.IndexOf("<|eom_id|>"), metadata["tokenizer.ggml.eom_token_id"]);
        Assert.Equal("llama-bpe", metadata["tokenizer.ggml.pre"]);
    }

    [Fact]
    public void Write_DefaultOptions_KeepsTheHistoricalLayout()
    {
        var path = Path.Combine(_dir, "default.gguf");
        TinyModel.Write(path);
        var tokens = ((object[])GgufReader.Read(path).Metadata["tokenizer.ggml.tokens"]).Cast<string>().Take(6);

        Assert.Equal(["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<0x00>"], tokens);
    }

    private (LLamaWeights Weights, List<string> Tokens) Load(string family, TinyTokenizer tokenizer)
    {
        var path = Path.Combine(_dir, $"{family}-{tokenizer}.gguf");
        if (!File.Exists(path))
        {
            TinyModel.Write(path, new TinyModelOptions { Tokenizer = tokenizer, SpecialTokens = SpecialTokenSet.Named(family) });
        }
        var tokens = ((object[])GgufReader.Read(path).Metadata["tokenizer.ggml.tokens"]).Cast<string>().ToList();
        return (LLamaWeights.LoadFromFile(new ModelParams(path) { ContextSize = 64 }), tokens);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
