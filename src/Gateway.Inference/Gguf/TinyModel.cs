namespace Gateway.Inference.Gguf;

/// <summary>
/// Writes a valid tiny llama-architecture GGUF with seeded random weights. It loads and decodes with
/// llama.cpp like any real model, but its text is noise: use it for tests and smoke runs only.
/// </summary>
public static class TinyModel
{
    /// <summary>The ChatML template written when <see cref="TinyModelOptions.ChatTemplate"/> is unset; llama.cpp recognises it by its markers.</summary>
    public const string ChatTemplate = LlamaGguf.ChatMlTemplate;

    /// <summary>Writes the model to <paramref name="path"/>, creating its directory, and returns the file size.</summary>
    public static long Write(string path, TinyModelOptions? options = null)
    {
        options ??= new TinyModelOptions();
        options.Validate();
        return LlamaGguf.Write(Build(options), path);
    }

    /// <summary>
    /// Writes a model of the same shape with weights generated chunk by chunk while the file is written, so a model of
    /// billions of parameters needs a few megabytes of memory. Each chunk is seeded from <see cref="TinyModelOptions.Seed"/>,
    /// its tensor and its position, so the same options write the same file, but not the file <see cref="Write"/> writes.
    /// Returns the file size.
    /// </summary>
    public static long WriteStreaming(string path, TinyModelOptions? options = null)
    {
        options ??= new TinyModelOptions();
        options.Validate();
        return LlamaGguf.Write(BuildStreaming(options), path);
    }

    internal static GgufWriter BuildStreaming(TinyModelOptions o)
    {
        var vocabulary = BuildVocabulary(o);
        var shape = new LlamaShape(o.EmbeddingLength, o.BlockCount, o.HeadCount, o.HeadCountKv, o.FeedForwardLength, o.ContextLength);
        return LlamaGguf.Build("gateway-tiny", shape, vocabulary, (name, dims, first, chunk) =>
        {
            if (dims.Length == 1)
            {
                chunk.Fill(1f); // Norms.
                return;
            }
            // The scales Build uses: embeddings 1, the output 0.5, a matrix 1/sqrt(its input width).
            var scale = name switch
            {
                "token_embd.weight" => 1f,
                "output.weight" => 0.5f,
                _ => 1f / MathF.Sqrt(dims[^1]),
            };
            var random = new Random(ChunkSeed(o.Seed, name, first));
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = (float)((random.NextDouble() * 2 - 1) * scale);
            }
        }, o.MatrixType ?? (o.HalfPrecision ? GgufTensorType.F16 : GgufTensorType.F32), o.ChatTemplate);
    }

    /// <summary>A seed from the model's seed, the tensor's name and the chunk's position, the same in every process (unlike string.GetHashCode).</summary>
    private static int ChunkSeed(int seed, string name, long first)
    {
        var hash = 14695981039346656037UL; // FNV-1a
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        hash = (hash ^ (ulong)first) * 1099511628211UL;
        hash = (hash ^ (uint)seed) * 1099511628211UL;
        return (int)(hash ^ (hash >> 32));
    }

    internal static GgufWriter Build(TinyModelOptions o)
    {
        var vocabulary = BuildVocabulary(o);
        var vocab = vocabulary.Tokens.Count;
        var shape = new LlamaShape(o.EmbeddingLength, o.BlockCount, o.HeadCount, o.HeadCountKv, o.FeedForwardLength, o.ContextLength);
        var kvDim = shape.KvDim;
        var e = o.EmbeddingLength;
        var ff = o.FeedForwardLength;
        var random = new Random(o.Seed);
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["token_embd.weight"] = Random(random, e * vocab, 1f),
            ["output_norm.weight"] = Ones(e),
            ["output.weight"] = Random(random, e * vocab, 0.5f),
        };
        for (var b = 0; b < o.BlockCount; b++)
        {
            var scale = 1f / MathF.Sqrt(e);
            tensors[$"blk.{b}.attn_norm.weight"] = Ones(e);
            tensors[$"blk.{b}.attn_q.weight"] = Random(random, e * e, scale);
            tensors[$"blk.{b}.attn_k.weight"] = Random(random, e * kvDim, scale);
            tensors[$"blk.{b}.attn_v.weight"] = Random(random, e * kvDim, scale);
            tensors[$"blk.{b}.attn_output.weight"] = Random(random, e * e, scale);
            tensors[$"blk.{b}.ffn_norm.weight"] = Ones(e);
            tensors[$"blk.{b}.ffn_gate.weight"] = Random(random, e * ff, scale);
            tensors[$"blk.{b}.ffn_up.weight"] = Random(random, e * ff, scale);
            tensors[$"blk.{b}.ffn_down.weight"] = Random(random, e * ff, 1f / MathF.Sqrt(ff));
        }
        return LlamaGguf.Build("gateway-tiny", shape, vocabulary, tensors, o.MatrixType ?? (o.HalfPrecision ? GgufTensorType.F16 : GgufTensorType.F32), o.ChatTemplate);
    }

    internal static GgufVocabulary BuildVocabulary(TinyModelOptions o) => o.Tokenizer == TinyTokenizer.Bpe
        ? BpeVocabulary.Build(o.EffectiveSpecialTokens, o.VocabularySize)
        : TinyVocabulary.Build(o.EffectiveSpecialTokens, o.VocabularySize);

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    private static float[] Random(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }
        return values;
    }
}
