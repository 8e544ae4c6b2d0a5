namespace Gateway.Inference.Gguf;

/// <summary>
/// Writes a valid tiny llama-architecture GGUF with seeded random weights. It loads and decodes with
/// llama.cpp like any real model, but its text is noise: use it for tests and smoke runs only.
/// </summary>
public static class TinyModel
{
    /// <summary>A ChatML template that llama.cpp recognises by its markers.</summary>
    public const string ChatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>Writes the model to <paramref name="path"/>, creating its directory, and returns the file size.</summary>
    public static long Write(string path, TinyModelOptions? options = null)
    {
        options ??= new TinyModelOptions();
        options.Validate();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var writer = Build(options);
        // Write beside the target and move, so a reader never sees a half-written model.
        var temp = path + ".tmp";
        writer.Write(temp);
        File.Move(temp, path, overwrite: true);
        return new FileInfo(path).Length;
    }

    internal static GgufWriter Build(TinyModelOptions o)
    {
        var (tokens, scores, types) = TinyVocabulary.Build();
        var vocab = tokens.Count;
        var headDim = o.EmbeddingLength / o.HeadCount;
        var kvDim = headDim * o.HeadCountKv;
        var w = new GgufWriter(32)
            .Add("general.architecture", GgufValue.Of("llama"))
            .Add("general.name", GgufValue.Of("gateway-tiny"))
            .Add("general.file_type", GgufValue.Of(o.HalfPrecision ? 1u : 0u))
            .Add("llama.context_length", GgufValue.Of((uint)o.ContextLength))
            .Add("llama.embedding_length", GgufValue.Of((uint)o.EmbeddingLength))
            .Add("llama.block_count", GgufValue.Of((uint)o.BlockCount))
            .Add("llama.feed_forward_length", GgufValue.Of((uint)o.FeedForwardLength))
            .Add("llama.attention.head_count", GgufValue.Of((uint)o.HeadCount))
            .Add("llama.attention.head_count_kv", GgufValue.Of((uint)o.HeadCountKv))
            .Add("llama.rope.dimension_count", GgufValue.Of((uint)headDim))
            .Add("llama.rope.freq_base", GgufValue.Of(10000f))
            .Add("llama.attention.layer_norm_rms_epsilon", GgufValue.Of(1e-5f))
            .Add("llama.vocab_size", GgufValue.Of((uint)vocab))
            .Add("tokenizer.ggml.model", GgufValue.Of("llama"))
            .Add("tokenizer.ggml.tokens", GgufValue.Array(GgufValueType.String, tokens))
            .Add("tokenizer.ggml.scores", GgufValue.Array(GgufValueType.Float32, scores))
            .Add("tokenizer.ggml.token_type", GgufValue.Array(GgufValueType.Int32, types))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.Of(TinyVocabulary.BosId))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.Of(TinyVocabulary.EosId))
            .Add("tokenizer.ggml.eot_token_id", GgufValue.Of(TinyVocabulary.ImEndId))
            .Add("tokenizer.ggml.unknown_token_id", GgufValue.Of(TinyVocabulary.UnknownId))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Of(true))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Of(false))
            .Add("tokenizer.chat_template", GgufValue.Of(ChatTemplate));

        var random = new Random(o.Seed);
        var type = o.HalfPrecision ? GgufTensorType.F16 : GgufTensorType.F32;
        var e = (ulong)o.EmbeddingLength;
        var ff = (ulong)o.FeedForwardLength;
        w.AddTensor("token_embd.weight", [e, (ulong)vocab], Random(random, o.EmbeddingLength * vocab, 1f), type);
        w.AddTensor("output_norm.weight", [e], Ones(o.EmbeddingLength), GgufTensorType.F32);
        w.AddTensor("output.weight", [e, (ulong)vocab], Random(random, o.EmbeddingLength * vocab, 0.5f), type);
        for (var b = 0; b < o.BlockCount; b++)
        {
            var scale = 1f / MathF.Sqrt(o.EmbeddingLength);
            w.AddTensor($"blk.{b}.attn_norm.weight", [e], Ones(o.EmbeddingLength), GgufTensorType.F32);
            w.AddTensor($"blk.{b}.attn_q.weight", [e, e], Random(random, o.EmbeddingLength * o.EmbeddingLength, scale), type);
            w.AddTensor($"blk.{b}.attn_k.weight", [e, (ulong)kvDim], Random(random, o.EmbeddingLength * kvDim, scale), type);
            w.AddTensor($"blk.{b}.attn_v.weight", [e, (ulong)kvDim], Random(random, o.EmbeddingLength * kvDim, scale), type);
            w.AddTensor($"blk.{b}.attn_output.weight", [e, e], Random(random, o.EmbeddingLength * o.EmbeddingLength, scale), type);
            w.AddTensor($"blk.{b}.ffn_norm.weight", [e], Ones(o.EmbeddingLength), GgufTensorType.F32);
            w.AddTensor($"blk.{b}.ffn_gate.weight", [e, ff], Random(random, o.EmbeddingLength * o.FeedForwardLength, scale), type);
            w.AddTensor($"blk.{b}.ffn_up.weight", [e, ff], Random(random, o.EmbeddingLength * o.FeedForwardLength, scale), type);
            w.AddTensor($"blk.{b}.ffn_down.weight", [ff, e], Random(random, o.EmbeddingLength * o.FeedForwardLength, 1f / MathF.Sqrt(o.FeedForwardLength)), type);
        }
        return w;
    }

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
