using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

/// <summary>
/// Predicts the quality in [0, 1] of a model's answer to a prompt from the prompt embedding and the model's
/// capability vector (its per-task accuracy on the aptitude test), Model-SAT style:
/// <code>
/// a = softmax(A·[e;1])                       soft task affinity of the prompt
/// z = [e; relu(U·[e;1]); 1]                  prompt features
/// s = zᵀ·W·[c;1] + aᵀ·B·c + α·logit(a·c) + β  (+ the optional <see cref="ContrastHead"/> term)
/// quality = σ(s)
/// </code>
/// The model enters only through c, so a model the predictor never saw is scored from its vector alone.
/// The prompt half is computed once per prompt (<see cref="Prepare"/>), then each candidate costs O(T²).
/// </summary>
internal sealed class QualityPredictor(PredictorWeights weights)
{
    private readonly QualityPredictor[] _members = [.. weights.Members.Select(m => new QualityPredictor(m with { Members = [] }))];

    public PredictorWeights Weights { get; } = weights;

    /// <summary>The per-prompt part of the score, shared by all candidates.</summary>
    internal sealed class PromptState(int tasks, int features, int hidden, int headFeatures)
    {
        public float[] Head { get; } = new float[headFeatures > 0 ? tasks : 0];
        public float[] HeadFeatures { get; } = new float[headFeatures];

        /// <summary>h · centre: the part of the head's term that is the same for every candidate.</summary>
        public float HeadOffset { get; set; }

        /// <summary>The prompt states of the further ensemble members.</summary>
        public PromptState[] Members { get; init; } = [];

        public float[] Affinity { get; } = new float[tasks];
        public float[] Features { get; } = new float[features];
        public float[] Projected { get; } = new float[tasks + 1];
        public float[] AffinityCross { get; } = new float[tasks];
        public float[] HiddenPre { get; } = new float[hidden];
    }

    public PromptState Prepare(ReadOnlySpan<float> embedding)
    {
        var w = Weights;
        var d = w.Dimension;
        if (embedding.Length != d)
        {
            throw new ArgumentException($"Embedding has {embedding.Length} dimensions; the predictor expects {d}.", nameof(embedding));
        }

        var members = new PromptState[_members.Length];
        for (var m = 0; m < members.Length; m++)
        {
            members[m] = _members[m].Prepare(embedding);
        }

        var state = new PromptState(w.TaskCount, w.FeatureCount, w.Hidden, w.Head?.Features ?? 0) { Members = members };
        for (var t = 0; t < w.TaskCount; t++)
        {
            state.Affinity[t] = Affine(w.Affinity, t, d, embedding);
        }

        TensorPrimitives.SoftMax(state.Affinity, state.Affinity);

        embedding.CopyTo(state.Features);
        for (var h = 0; h < w.Hidden; h++)
        {
            var pre = Affine(w.HiddenWeights, h, d, embedding);
            state.HiddenPre[h] = pre;
            state.Features[d + h] = Math.Max(0f, pre);
        }

        state.Features[^1] = 1f;
        var z = state.Features.Length;
        for (var k = 0; k <= w.TaskCount; k++)
        {
            state.Projected[k] = TensorPrimitives.Dot(w.Bilinear.AsSpan(k * z, z), state.Features);
        }

        // aᵀB, so the cross term per candidate is one dot product with c.
        for (var u = 0; u < w.TaskCount; u++)
        {
            var sum = 0f;
            for (var t = 0; t < w.TaskCount; t++)
            {
                sum += state.Affinity[t] * w.Cross[(t * w.TaskCount) + u];
            }

            state.AffinityCross[u] = sum;
        }

        if (w.Head is { } head)
        {
            head.Standardise(embedding, state.HeadFeatures);
            head.Project(state.Affinity, state.HeadFeatures, state.Head);
            state.HeadOffset = TensorPrimitives.Dot(state.Head, head.Centre);
        }

        return state;
    }

    /// <summary>The logit s for one candidate (the mean over an ensemble's members); quality is σ(s).</summary>
    public float Logit(PromptState state, ReadOnlySpan<float> capability)
    {
        if (_members.Length == 0)
        {
            return MemberLogit(state, capability);
        }

        var sum = MemberLogit(state, capability);
        for (var m = 0; m < _members.Length; m++)
        {
            sum += _members[m].MemberLogit(state.Members[m], capability);
        }

        return sum / (_members.Length + 1);
    }

    private float MemberLogit(PromptState state, ReadOnlySpan<float> capability)
    {
        var t = Weights.TaskCount;
        var projected = state.Projected.AsSpan();
        var s = TensorPrimitives.Dot(projected[..t], capability) + projected[t];
        s += TensorPrimitives.Dot(state.AffinityCross, capability);
        s += Weights.Alpha * SafeLogit(TensorPrimitives.Dot(state.Affinity, capability));
        if (Weights.Head is not null)
        {
            // The head's term h · (c − centre).
            s += TensorPrimitives.Dot(state.Head, capability) - state.HeadOffset;
        }

        return s + Weights.Bias;
    }

    public double Predict(PromptState state, ReadOnlySpan<float> capability) => Sigmoid(Logit(state, capability));

    internal static float SafeLogit(float p)
    {
        var q = Math.Clamp(p, 0.02f, 0.98f);
        return MathF.Log(q / (1 - q));
    }

    internal static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static float Affine(float[] matrix, int row, int d, ReadOnlySpan<float> x)
    {
        var span = matrix.AsSpan(row * (d + 1), d + 1);
        return TensorPrimitives.Dot(span[..d], x) + span[d];
    }
}
