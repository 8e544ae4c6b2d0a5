using Gateway.Inference.Gguf;

namespace Gateway.UnitTests.Inference.Gguf;

public sealed class TinyModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tiny-model-").FullName;

    [Fact]
    public void Write_DefaultOptions_HasLlamaHyperParametersTokenizerAndTemplate()
    {
        var path = Path.Combine(_dir, "tiny.gguf");

        var size = TinyModel.Write(path);
        var info = GgufReader.Read(path);

        Assert.Equal(new FileInfo(path).Length, size);
        Assert.Equal("llama", info.Metadata["general.architecture"]);
        foreach (var key in new[]
        {
            "llama.context_length", "llama.embedding_length", "llama.block_count", "llama.feed_forward_length",
            "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.dimension_count",
            "llama.attention.layer_norm_rms_epsilon", "llama.vocab_size", "tokenizer.ggml.bos_token_id",
            "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
        })
        {
            Assert.True(info.Metadata.ContainsKey(key), key);
        }
        Assert.Equal("llama", info.Metadata["tokenizer.ggml.model"]);
        Assert.Contains("<|im_start|>", (string)info.Metadata["tokenizer.chat_template"], StringComparison.Ordinal);
        Assert.Equal(2u + 9u * 2u + 1u, (uint)info.Tensors.Count);
        Assert.Contains(info.Tensors, t => t.Name == "blk.1.ffn_down.weight" && t.Dims.SequenceEqual(new ulong[] { 128, 64 }));
    }

    [Fact]
    public void Write_Vocabulary_HasAll256ByteTokensTypedAsBytes()
    {
        var path = Path.Combine(_dir, "tiny.gguf");
        TinyModel.Write(path);
        var info = GgufReader.Read(path);

        var tokens = ((object[])info.Metadata["tokenizer.ggml.tokens"]).Cast<string>().ToList();
        var types = ((object[])info.Metadata["tokenizer.ggml.token_type"]).Cast<int>().ToList();
        var scores = (object[])info.Metadata["tokenizer.ggml.scores"];

        Assert.Equal(tokens.Count, types.Count);
        Assert.Equal(tokens.Count, scores.Length);
        Assert.Equal((uint)tokens.Count, info.Metadata["llama.vocab_size"]);
        for (var b = 0; b < 256; b++)
        {
            var index = tokens.IndexOf($"<0x{b:X2}>");
            Assert.True(index >= 0, $"byte token {b:X2} missing");
            Assert.Equal(6, types[index]);
        }
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public void Write_VocabularySize_PadsTheVocabularyAndTheOutputLayerAndStillTokenizes()
    {
        var path = Path.Combine(_dir, "padded.gguf");
        TinyModel.Write(path, new TinyModelOptions { VocabularySize = 5000 });
        var info = GgufReader.Read(path);

        var tokens = ((object[])info.Metadata["tokenizer.ggml.tokens"]).Cast<string>().ToList();
        Assert.Equal(5000, tokens.Count);
        Assert.Equal(5000, tokens.Distinct().Count());
        Assert.Equal(5000u, info.Metadata["llama.vocab_size"]);
        Assert.Contains(info.Tensors, t => t.Name == "output.weight" && t.Dims.SequenceEqual(new ulong[] { 64, 5000 }));

        var parameters = new LLama.Common.ModelParams(path) { ContextSize = 64 };
        using var weights = LLama.LLamaWeights.LoadFromFile(parameters);
        Assert.Equal(5000, weights.Vocab.Count);
        // Filler pieces score below every real one, so ordinary text tokenizes as it does without them.
        var natural = Path.Combine(_dir, "natural.gguf");
        TinyModel.Write(natural);
        using var naturalWeights = LLama.LLamaWeights.LoadFromFile(new LLama.Common.ModelParams(natural) { ContextSize = 64 });
        const string text = "the model said hello world, 42 times";
        Assert.Equal(
            naturalWeights.Tokenize(text, true, false, System.Text.Encoding.UTF8).Select(t => (int)t),
            weights.Tokenize(text, true, false, System.Text.Encoding.UTF8).Select(t => (int)t));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2_000_000)]
    public void Write_VocabularySizeOutOfRange_Throws(int size) =>
        Assert.Throws<ArgumentException>(() => TinyModel.Write(Path.Combine(_dir, "bad.gguf"), new TinyModelOptions { VocabularySize = size }));

    [Fact]
    public void Write_SameSeed_WritesIdenticalFiles_DifferentSeed_Differs()
    {
        string Write(string name, int seed)
        {
            var path = Path.Combine(_dir, name);
            TinyModel.Write(path, new TinyModelOptions { Seed = seed });
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        }

        Assert.Equal(Write("a.gguf", 1), Write("b.gguf", 1));
        Assert.NotEqual(Write("c.gguf", 1), Write("d.gguf", 2));
    }

    [Fact]
    public void WriteStreaming_Shape_HasEveryTensorOfTheShapeInItsTypeAndTheSameMetadataAsWrite()
    {
        var options = new TinyModelOptions { EmbeddingLength = 128, BlockCount = 2, HeadCount = 4, HeadCountKv = 2, FeedForwardLength = 256, MatrixType = GgufTensorType.Q8_0 };
        var streamed = Path.Combine(_dir, "streamed.gguf");
        var inMemory = Path.Combine(_dir, "in-memory.gguf");

        var size = TinyModel.WriteStreaming(streamed, options);
        TinyModel.Write(inMemory, options);
        var info = GgufReader.Read(streamed);
        var reference = GgufReader.Read(inMemory);

        Assert.Equal(new FileInfo(streamed).Length, size);
        Assert.Equal(new FileInfo(inMemory).Length, size);
        Assert.Equal(reference.Metadata.Keys.Order(), info.Metadata.Keys.Order());
        Assert.Equal(reference.Tensors.Select(t => (t.Name, t.Type, string.Join('x', t.Dims), t.Offset)), info.Tensors.Select(t => (t.Name, t.Type, string.Join('x', t.Dims), t.Offset)));
        Assert.Contains(info.Tensors, t => t.Name == "blk.1.attn_k.weight" && t.Type == (uint)GgufTensorType.Q8_0 && t.Dims.SequenceEqual(new ulong[] { 128, 64 }));
    }

    [Fact]
    public void WriteStreaming_SameSeed_WritesIdenticalFiles_DifferentSeed_Differs()
    {
        string Write(string name, int seed)
        {
            var path = Path.Combine(_dir, name);
            TinyModel.WriteStreaming(path, new TinyModelOptions { Seed = seed, EmbeddingLength = 256, FeedForwardLength = 512, MatrixType = GgufTensorType.F16 });
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        }

        Assert.Equal(Write("a.gguf", 1), Write("b.gguf", 1));
        Assert.NotEqual(Write("c.gguf", 1), Write("d.gguf", 2));
    }

    [Fact]
    public void Write_HeadsDoNotDivideEmbedding_Throws()
    {
        Assert.Throws<ArgumentException>(() => TinyModel.Write(Path.Combine(_dir, "x.gguf"), new TinyModelOptions { EmbeddingLength = 30, HeadCount = 4 }));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
