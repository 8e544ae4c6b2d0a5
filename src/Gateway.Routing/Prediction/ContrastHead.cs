using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

/// <summary>
/// A task-gated correction to the score, fitted on the differences between models rather than on each model's
/// outcome. It reads the last <see cref="Features"/> values of the embedding (the prompt-shape features), and
/// for a prompt with task affinity <c>a</c> adds
/// <code>
/// φ = (e[D−K..D] − mean) ⊙ scale            standardised shape features
/// h_u = Σ_t a_t · V[t,u,:]·φ                 per capability dimension u
/// s += h · (c − centre)
/// </code>
/// The pointwise loss of the main predictor learns what makes a prompt hard for every model; this head learns
/// what makes it hard for one model and not another (the length and arithmetic of a word problem that a weak
/// model fails and a strong one solves), which is all a routing decision between them depends on. Centring the
/// capability on the training models' mean keeps the predicted quality level where the main predictor put it.
/// </summary>
/// <param name="Features">K: how many trailing embedding values the head reads.</param>
/// <param name="Mean">K: training mean of each feature.</param>
/// <param name="Scale">K: inverse training standard deviation (0 for a constant feature).</param>
/// <param name="Centre">T: mean capability vector of the training models.</param>
/// <param name="Weights">T × T × K: V[t,u,k].</param>
internal sealed record ContrastHead(int Features, float[] Mean, float[] Scale, float[] Centre, float[] Weights)
{
    public static ContrastHead Create(float[][] embeddings, IEnumerable<int> rows, int features, float[][] capabilities, int tasks)
    {
        var d = embeddings[0].Length;
        var mean = new double[features];
        var square = new double[features];
        var n = 0;
        foreach (var i in rows)
        {
            for (var k = 0; k < features; k++)
            {
                var x = embeddings[i][d - features + k];
                mean[k] += x;
                square[k] += x * x;
            }

            n++;
        }

        var m = new float[features];
        var scale = new float[features];
        for (var k = 0; k < features; k++)
        {
            var mu = mean[k] / Math.Max(1, n);
            var variance = (square[k] / Math.Max(1, n)) - (mu * mu);
            m[k] = (float)mu;
            scale[k] = variance > 1e-8 ? (float)(1 / Math.Sqrt(variance)) : 0f;
        }

        var centre = new float[tasks];
        foreach (var c in capabilities)
        {
            TensorPrimitives.Add(centre, c, centre);
        }

        TensorPrimitives.Divide(centre, Math.Max(1, capabilities.Length), centre);
        return new ContrastHead(features, m, scale, centre, new float[tasks * tasks * features]);
    }

    /// <summary>Writes the standardised features of <paramref name="embedding"/> into <paramref name="phi"/>.</summary>
    public void Standardise(ReadOnlySpan<float> embedding, Span<float> phi)
    {
        var tail = embedding[^Features..];
        TensorPrimitives.Subtract(tail, Mean, phi);
        TensorPrimitives.Multiply(phi, Scale, phi);
    }

    /// <summary>h = Σ_t a_t V[t]·φ, one value per capability dimension.</summary>
    public void Project(ReadOnlySpan<float> affinity, ReadOnlySpan<float> phi, Span<float> h)
    {
        var t = affinity.Length;
        var k = Features;
        h.Clear();
        for (var task = 0; task < t; task++)
        {
            var a = affinity[task];
            if (a < 1e-4f)
            {
                continue;
            }

            for (var u = 0; u < t; u++)
            {
                h[u] += a * TensorPrimitives.Dot(Weights.AsSpan(((task * t) + u) * k, k), phi);
            }
        }
    }

    public void Validate(int tasks, int dimension)
    {
        if (Features <= 0 || Features > dimension || Mean.Length != Features || Scale.Length != Features
            || Centre.Length != tasks || Weights.Length != tasks * tasks * Features
            || !Array.TrueForAll(Weights, float.IsFinite) || !Array.TrueForAll(Mean, float.IsFinite)
            || !Array.TrueForAll(Scale, float.IsFinite) || !Array.TrueForAll(Centre, float.IsFinite))
        {
            throw new InvalidDataException("Predictor weights are malformed: contrast head.");
        }
    }
}
