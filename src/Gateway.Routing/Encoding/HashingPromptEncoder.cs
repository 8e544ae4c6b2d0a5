using System.Numerics.Tensors;
using Gateway.Embeddings;

namespace Gateway.Routing;

/// <summary>
/// A cheap deterministic encoder: hashed character trigrams and lower-cased words, L2-normalised. It needs no
/// model file, so tests and small deployments can use it; its embeddings are much weaker than MiniLM's.
/// </summary>
internal sealed class HashingPromptEncoder(int dimension = 256) : IPromptEncoder
{
    private const string IdPrefix = "hashing-ngrams-v1/";

    public string Id => IdPrefix + Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int Dimension { get; } = dimension > 0 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension));

    public float[] Encode(string prompt)
    {
        var vector = new float[Dimension];
        var text = prompt.ToLowerInvariant().AsSpan();
        for (var i = 0; i + 3 <= text.Length; i++)
        {
            Add(vector, Fnv(text.Slice(i, 3), 0x9E3779B9u));
        }

        // Words are the runs between white space (the words string.Split(null) gives), read in place.
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || char.IsWhiteSpace(text[i]))
            {
                if (start >= 0)
                {
                    Add(vector, Fnv(text[start..i], 0x85EBCA6Bu));
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    /// <summary>The dimension in an id written by this encoder; null for other encoders.</summary>
    public static int? DimensionOf(string id) =>
        id.StartsWith(IdPrefix, StringComparison.Ordinal) && int.TryParse(id.AsSpan(IdPrefix.Length), out var d) && d > 0 ? d : null;

    public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts) => prompts.Select(Encode).ToArray();

    private void Add(float[] vector, uint hash)
    {
        // The top bit picks the sign so collisions cancel out on average instead of piling up.
        var index = (int)(hash % (uint)Dimension);
        vector[index] += (hash & 0x80000000u) != 0 ? 1f : -1f;
    }

    private static uint Fnv(ReadOnlySpan<char> chars, uint seed)
    {
        var hash = 2166136261u ^ seed;
        foreach (var c in chars)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash ^ (hash >> 15);
    }
}
