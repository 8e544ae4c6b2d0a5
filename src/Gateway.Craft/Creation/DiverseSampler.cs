using System.Numerics.Tensors;

namespace Gateway.Craft.Creation;

/// <summary>
/// Picks a diverse sample by greedy k-center over embeddings: a seeded first point, then again and again the
/// point farthest (by cosine distance) from everything picked so far.
/// </summary>
internal static class DiverseSampler
{
    /// <summary>Indices of <paramref name="count"/> diverse vectors, in the order picked.</summary>
    public static IReadOnlyList<int> Sample(IReadOnlyList<float[]> vectors, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var n = vectors.Count;
        if (n == 0 || count == 0)
        {
            return [];
        }

        var picked = new List<int> { new Random(seed).Next(n) };
        var nearest = new double[n];
        for (var i = 0; i < n; i++)
        {
            nearest[i] = Distance(vectors[i], vectors[picked[0]]);
        }

        while (picked.Count < Math.Min(count, n))
        {
            var next = -1;
            for (var i = 0; i < n; i++)
            {
                if (!picked.Contains(i) && (next < 0 || nearest[i] > nearest[next]))
                {
                    next = i;
                }
            }

            picked.Add(next);
            for (var i = 0; i < n; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance(vectors[i], vectors[next]));
            }
        }

        return picked;
    }

    private static double Distance(float[] a, float[] b) => 1 - TensorPrimitives.CosineSimilarity(a, b);
}
