namespace Gateway.Inference.Gguf;

/// <summary>The shape of a llama-architecture model (llama.cpp's <c>LLM_ARCH_LLAMA</c>).</summary>
public sealed record LlamaShape(int EmbeddingLength, int BlockCount, int HeadCount, int HeadCountKv, int FeedForwardLength, int ContextLength)
{
    /// <summary>Base frequency of the rotary position embedding (<c>llama.rope.freq_base</c>), fixed for every model written.</summary>
    public const float RopeFreqBase = 10000f;

    /// <summary>Epsilon of the RMS norms (<c>llama.attention.layer_norm_rms_epsilon</c>), fixed for every model written.</summary>
    public const float RmsEpsilon = 1e-5f;

    /// <summary>Size of one attention head: the embedding length divided by the head count.</summary>
    public int HeadDim => EmbeddingLength / HeadCount;

    /// <summary>Width of the key and value projections: one head size per key/value head (smaller than the embedding under grouped-query attention).</summary>
    public int KvDim => HeadDim * HeadCountKv;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless every dimension is positive, the heads divide the embedding into
    /// an even head size (rotary pairs) and the key/value heads divide the heads, which llama.cpp requires to load.
    /// </summary>
    public void Validate()
    {
        if (EmbeddingLength <= 0 || BlockCount <= 0 || HeadCount <= 0 || HeadCountKv <= 0 || FeedForwardLength <= 0 || ContextLength <= 0)
        {
            throw new ArgumentException("Model dimensions must be positive.");
        }
        if (EmbeddingLength % HeadCount != 0 || HeadCount % HeadCountKv != 0 || HeadDim % 2 != 0)
        {
            throw new ArgumentException("The embedding length must divide by the heads into an even head size, and the heads by the key/value heads.");
        }
    }

    /// <summary>Every tensor of the model with its shape in PyTorch order (outermost first: a linear weight is [out, in]).</summary>
    public IReadOnlyList<(string Name, int[] Shape)> Tensors(int vocabularySize)
    {
        var e = EmbeddingLength;
        var list = new List<(string, int[])> { ("token_embd.weight", [vocabularySize, e]) };
        for (var b = 0; b < BlockCount; b++)
        {
            list.Add(($"blk.{b}.attn_norm.weight", [e]));
            list.Add(($"blk.{b}.attn_q.weight", [e, e]));
            list.Add(($"blk.{b}.attn_k.weight", [KvDim, e]));
            list.Add(($"blk.{b}.attn_v.weight", [KvDim, e]));
            list.Add(($"blk.{b}.attn_output.weight", [e, e]));
            list.Add(($"blk.{b}.ffn_norm.weight", [e]));
            list.Add(($"blk.{b}.ffn_gate.weight", [FeedForwardLength, e]));
            list.Add(($"blk.{b}.ffn_up.weight", [FeedForwardLength, e]));
            list.Add(($"blk.{b}.ffn_down.weight", [e, FeedForwardLength]));
        }
        list.Add(("output_norm.weight", [e]));
        list.Add(("output.weight", [vocabularySize, e]));
        return list;
    }

    /// <summary>The number of weights, as a catalog entry reports it.</summary>
    public long ParameterCount(int vocabularySize) => Tensors(vocabularySize).Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));
}

/// <summary>
/// A vocabulary as GGUF stores it: SentencePiece (<c>tokenizer.ggml.model = llama</c>, with scores) by default, or
/// byte-level BPE (<c>gpt2</c>, with <see cref="Merges"/> and a <see cref="PreTokenizer"/>).
/// </summary>
/// <param name="Tokens">Token texts by id.</param>
/// <param name="Scores">SentencePiece scores by id; not written for BPE, whose real files carry none.</param>
/// <param name="Types">llama.cpp token types by id (1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte).</param>
/// <param name="BosId">Beginning-of-sequence token.</param>
/// <param name="EosId">End-of-sequence token.</param>
/// <param name="EotId">End-of-turn token, if the family has one.</param>
/// <param name="UnknownId">Unknown token; byte-level BPE has none.</param>
public sealed record GgufVocabulary(
    IReadOnlyList<string> Tokens, IReadOnlyList<float> Scores, IReadOnlyList<int> Types,
    uint BosId, uint EosId, uint? EotId, uint? UnknownId)
{
    /// <summary><c>tokenizer.ggml.model</c>: <c>llama</c> (SentencePiece, the default) or <c>gpt2</c> (byte-level BPE).</summary>
    public string Model { get; init; } = "llama";

    /// <summary><c>tokenizer.ggml.merges</c> for BPE ("left right" by rank); null for SentencePiece.</summary>
    public IReadOnlyList<string>? Merges { get; init; }

    /// <summary><c>tokenizer.ggml.pre</c> for BPE; llama.cpp refuses a name it does not know.</summary>
    public string? PreTokenizer { get; init; }

    /// <summary><c>tokenizer.ggml.add_bos_token</c>; default true.</summary>
    public bool AddBos { get; init; } = true;

    /// <summary><c>tokenizer.ggml.eom_token_id</c>, if the family has an end-of-message token.</summary>
    public uint? EomId { get; init; }

    /// <summary>Whether this is a byte-level BPE vocabulary.</summary>
    public bool IsBpe => Model == "gpt2";
}

/// <summary>
/// What every SentencePiece vocabulary the project writes starts with: <c>&lt;unk&gt;</c> at id 0, the family's special
/// tokens (by default <c>&lt;s&gt;</c> 1, <c>&lt;/s&gt;</c> 2, <c>&lt;|im_start|&gt;</c> 3, <c>&lt;|im_end|&gt;</c> 4), then
/// the 256 byte tokens <c>&lt;0x00&gt;</c>…<c>&lt;0xFF&gt;</c> without which llama.cpp aborts on a character the
/// vocabulary lacks. Token types are llama.cpp's <c>tokenizer.ggml.token_type</c> values.
/// </summary>
internal static class SentencePieceHead
{
    public const int Normal = 1;
    public const int Unknown = 2;
    public const int Control = 3;
    public const int UserDefined = 4;
    public const int Byte = 6;

    /// <summary>Id of the first byte token under the default special tokens.</summary>
    public const int FirstByteId = 5;

    /// <summary>The default head's tokens before the bytes: <c>&lt;unk&gt;</c> and <see cref="SpecialTokenSet.Default"/>.</summary>
    public static readonly string[] ControlTokens = ["<unk>", .. SpecialTokenSet.Default.Tokens.Select(t => t.Text)];

    /// <summary>The head under the default special tokens.</summary>
    public static IEnumerable<(string Token, int Type)> Tokens() => Tokens(SpecialTokenSet.Default);

    /// <summary><c>&lt;unk&gt;</c>, the special tokens, then the byte tokens, with their types.</summary>
    public static IEnumerable<(string Token, int Type)> Tokens(SpecialTokenSet specials)
    {
        yield return ("<unk>", Unknown);
        foreach (var token in specials.Tokens)
        {
            yield return (token.Text, token.Control ? Control : UserDefined);
        }
        for (var b = 0; b < 256; b++)
        {
            yield return ($"<0x{b:X2}>", Byte);
        }
    }
}

/// <summary>
/// Lays out a llama-architecture GGUF: the metadata llama.cpp reads for <c>general.architecture = llama</c>, the
/// tokenizer, the chat template and the tensors. Tensor data is given in PyTorch's row-major order; GGUF lists
/// dimensions innermost first, so a [out, in] linear weight is written with dims [in, out] and the same bytes.
/// Rotary positions are llama.cpp's "normal" mode (adjacent pairs), so weights trained that way need no permutation.
/// </summary>
public static class LlamaGguf
{
    /// <summary>A ChatML template that llama.cpp recognises by its markers.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>Lays out a model with F32 or F16 matrices; see the other overload.</summary>
    /// <param name="name">The model's <c>general.name</c>.</param>
    /// <param name="shape">The model's dimensions; validated before anything is laid out.</param>
    /// <param name="vocabulary">The tokenizer, whose size sets the embedding and output rows.</param>
    /// <param name="tensors">Each tensor of <see cref="LlamaShape.Tensors"/> by name, row-major.</param>
    /// <param name="halfPrecision">Matrices as F16 (norms stay F32).</param>
    /// <param name="chatTemplate">The <c>tokenizer.chat_template</c>; null writes <see cref="ChatMlTemplate"/>.</param>
    public static GgufWriter Build(string name, LlamaShape shape, GgufVocabulary vocabulary, IReadOnlyDictionary<string, float[]> tensors, bool halfPrecision, string? chatTemplate = null) =>
        Build(name, shape, vocabulary, tensors, halfPrecision ? GgufTensorType.F16 : GgufTensorType.F32, chatTemplate);

    /// <summary>A writer holding the model's metadata, tokenizer, chat template and tensors, ready to write.</summary>
    /// <param name="name">The model's <c>general.name</c>.</param>
    /// <param name="shape">The model's dimensions; validated before anything is laid out.</param>
    /// <param name="vocabulary">The tokenizer, whose size sets the embedding and output rows.</param>
    /// <param name="tensors">Each tensor of <see cref="LlamaShape.Tensors"/> by name, row-major.</param>
    /// <param name="matrixType">Element type of the matrices (norms stay F32).</param>
    /// <param name="chatTemplate">The <c>tokenizer.chat_template</c>; null writes <see cref="ChatMlTemplate"/>.</param>
    public static GgufWriter Build(string name, LlamaShape shape, GgufVocabulary vocabulary, IReadOnlyDictionary<string, float[]> tensors, GgufTensorType matrixType, string? chatTemplate = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(tensors);
        var w = Metadata(name, shape, vocabulary, matrixType, chatTemplate);
        var vocab = vocabulary.Tokens.Count;

        foreach (var (tensorName, dims) in shape.Tensors(vocab))
        {
            if (!tensors.TryGetValue(tensorName, out var data))
            {
                throw new ArgumentException($"Tensor {tensorName} is missing.", nameof(tensors));
            }
            var ggmlDims = dims.Reverse().Select(d => (ulong)d).ToArray();
            var type = dims.Length > 1 ? matrixType : GgufTensorType.F32;
            w.AddTensor(tensorName, ggmlDims, data, type);
        }
        return w;
    }

    /// <summary>
    /// A writer holding the model's metadata, tokenizer and chat template, with tensors generated while the file is
    /// written (see <see cref="GgufWriter.AddTensor(string, ulong[], GgufTensorType, Action{long, Span{float}})"/>):
    /// <paramref name="fill"/> gets the tensor's name, its row-major shape, the index of a chunk's first value and the
    /// chunk to fill.
    /// </summary>
    public static GgufWriter Build(string name, LlamaShape shape, GgufVocabulary vocabulary, Action<string, int[], long, Span<float>> fill, GgufTensorType matrixType, string? chatTemplate = null)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var w = Metadata(name, shape, vocabulary, matrixType, chatTemplate);
        foreach (var (tensorName, dims) in shape.Tensors(vocabulary.Tokens.Count))
        {
            var ggmlDims = dims.Reverse().Select(d => (ulong)d).ToArray();
            var type = dims.Length > 1 ? matrixType : GgufTensorType.F32;
            w.AddTensor(tensorName, ggmlDims, type, (first, chunk) => fill(tensorName, dims, first, chunk));
        }
        return w;
    }

    private static GgufWriter Metadata(string name, LlamaShape shape, GgufVocabulary vocabulary, GgufTensorType matrixType, string? chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(vocabulary);
        shape.Validate();
        var vocab = vocabulary.Tokens.Count;
        var w = new GgufWriter(32)
            .Add("general.architecture", GgufValue.Of("llama"))
            .Add("general.name", GgufValue.Of(name))
            .Add("general.file_type", GgufValue.Of(FileType(matrixType)))
            .Add("llama.context_length", GgufValue.Of((uint)shape.ContextLength))
            .Add("llama.embedding_length", GgufValue.Of((uint)shape.EmbeddingLength))
            .Add("llama.block_count", GgufValue.Of((uint)shape.BlockCount))
            .Add("llama.feed_forward_length", GgufValue.Of((uint)shape.FeedForwardLength))
            .Add("llama.attention.head_count", GgufValue.Of((uint)shape.HeadCount))
            .Add("llama.attention.head_count_kv", GgufValue.Of((uint)shape.HeadCountKv))
            .Add("llama.rope.dimension_count", GgufValue.Of((uint)shape.HeadDim))
            .Add("llama.rope.freq_base", GgufValue.Of(LlamaShape.RopeFreqBase))
            .Add("llama.attention.layer_norm_rms_epsilon", GgufValue.Of(LlamaShape.RmsEpsilon))
            .Add("llama.vocab_size", GgufValue.Of((uint)vocab))
            .Add("tokenizer.chat_template", GgufValue.Of(chatTemplate ?? ChatMlTemplate));
        AddTokenizer(w, vocabulary);
        return w;
    }

    private static void AddTokenizer(GgufWriter w, GgufVocabulary vocabulary)
    {
        w.Add("tokenizer.ggml.model", GgufValue.Of(vocabulary.Model))
            .Add("tokenizer.ggml.tokens", GgufValue.Array(GgufValueType.String, vocabulary.Tokens.ToList()))
            .Add("tokenizer.ggml.token_type", GgufValue.Array(GgufValueType.Int32, vocabulary.Types.ToList()))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.Of(vocabulary.BosId))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.Of(vocabulary.EosId))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Of(vocabulary.AddBos))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Of(false));
        if (vocabulary.IsBpe)
        {
            w.Add("tokenizer.ggml.pre", GgufValue.Of(vocabulary.PreTokenizer ?? "default"))
                .Add("tokenizer.ggml.merges", GgufValue.Array(GgufValueType.String, (vocabulary.Merges ?? []).ToList()));
        }
        else
        {
            w.Add("tokenizer.ggml.scores", GgufValue.Array(GgufValueType.Float32, vocabulary.Scores.ToList()));
        }
        if (vocabulary.EotId is { } eot)
        {
            w.Add("tokenizer.ggml.eot_token_id", GgufValue.Of(eot));
        }
        if (vocabulary.EomId is { } eom)
        {
            w.Add("tokenizer.ggml.eom_token_id", GgufValue.Of(eom));
        }
        if (vocabulary.UnknownId is { } unknown)
        {
            w.Add("tokenizer.ggml.unknown_token_id", GgufValue.Of(unknown));
        }
    }

    /// <summary>llama.cpp's llama_ftype for a file whose matrices are all of one type.</summary>
    private static uint FileType(GgufTensorType matrixType) => matrixType switch
    {
        GgufTensorType.F32 => 0,
        GgufTensorType.F16 => 1,
        GgufTensorType.Q4_0 => 2,
        GgufTensorType.Q8_0 => 7,
        GgufTensorType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(matrixType), matrixType, "Unsupported matrix type."),
    };

    /// <summary>Writes beside <paramref name="path"/> and moves, so a reader never sees a half-written model; returns the size.</summary>
    public static long Write(GgufWriter writer, string path)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var temp = path + ".tmp";
        writer.Write(temp);
        File.Move(temp, path, overwrite: true);
        return new FileInfo(path).Length;
    }
}
