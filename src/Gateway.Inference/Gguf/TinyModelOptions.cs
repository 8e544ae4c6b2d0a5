namespace Gateway.Inference.Gguf;

/// <summary>Shape and seed of a tiny llama-architecture model. The defaults load in milliseconds.</summary>
public sealed record TinyModelOptions
{
    /// <summary>Seed for the random weights; the same seed writes the same file.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Hidden size (embedding length).</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    public int BlockCount { get; init; } = 2;

    /// <summary>Attention heads; <see cref="EmbeddingLength"/> must divide by it.</summary>
    public int HeadCount { get; init; } = 4;

    /// <summary>Key/value heads (grouped-query attention when below <see cref="HeadCount"/>).</summary>
    public int HeadCountKv { get; init; } = 4;

    /// <summary>Feed-forward width.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>Training context length recorded in the metadata.</summary>
    public int ContextLength { get; init; } = 32768;

    /// <summary>Write tensors as F16 instead of F32.</summary>
    public bool HalfPrecision { get; init; }

    /// <summary>Element type of the matrices; when set, it wins over <see cref="HalfPrecision"/>. Quantised types need widths of a multiple of 32.</summary>
    public GgufTensorType? MatrixType { get; init; }

    /// <summary>
    /// Vocabulary size; unset, the tiny vocabulary's own few hundred tokens. A larger size pads it with filler
    /// pieces, so the output layer and the sampler cost what they cost in models with tens of thousands of tokens.
    /// </summary>
    public int? VocabularySize { get; init; }

    /// <summary>The tokenizer kind: SentencePiece with byte fallback (default) or byte-level BPE with merges.</summary>
    public TinyTokenizer Tokenizer { get; init; } = TinyTokenizer.SentencePiece;

    /// <summary>The <c>tokenizer.chat_template</c> to carry; unset, <see cref="LlamaGguf.ChatMlTemplate"/>.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// The family's special tokens; unset, the family <see cref="SpecialTokenSet.FromTemplate"/> recognises in
    /// <see cref="ChatTemplate"/>, or <see cref="SpecialTokenSet.Default"/> without one.
    /// </summary>
    public SpecialTokenSet? SpecialTokens { get; init; }

    /// <summary>The special tokens the model is written with.</summary>
    internal SpecialTokenSet EffectiveSpecialTokens => SpecialTokens ?? SpecialTokenSet.FromTemplate(ChatTemplate);

    internal void Validate()
    {
        EffectiveSpecialTokens.Validate();
        var natural = TinyModel.BuildVocabulary(this with { VocabularySize = null }).Tokens.Count;
        if (VocabularySize is { } size && (size < natural || size > 1 << 20))
        {
            throw new ArgumentException($"VocabularySize must be between {natural} (the tiny vocabulary) and {1 << 20}.");
        }
        if (EmbeddingLength <= 0 || BlockCount <= 0 || HeadCount <= 0 || HeadCountKv <= 0 || FeedForwardLength <= 0 || ContextLength <= 0)
        {
            throw new ArgumentException("Tiny model dimensions must be positive.");
        }
        if (EmbeddingLength % HeadCount != 0 || HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException("EmbeddingLength must divide by HeadCount, and HeadCount by HeadCountKv.");
        }
    }
}

/// <summary>The kind of vocabulary a tiny model is written with.</summary>
public enum TinyTokenizer
{
    /// <summary>SentencePiece (<c>tokenizer.ggml.model = llama</c>) with scores and byte-fallback tokens, as Llama 2 and Mistral ship.</summary>
    SentencePiece,

    /// <summary>Byte-level BPE (<c>gpt2</c>) with merges and a pre-tokenizer, as Llama 3 and Qwen ship.</summary>
    Bpe,
}
