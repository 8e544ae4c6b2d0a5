using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    // Rounded up to whole vectors, so the column pass needs no remainder; the padding rows stay zero.
    private readonly int _rowTotal = Padded(RowCount(weights) + weights.Members.Sum(RowCount));

    [ThreadStatic]
    private static int[]? t_indices;
    private EmbeddingColumns? _columns;

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

    /// <summary>
    /// The per-prompt part for routing. The rows that read the embedding (each member's task affinity, hidden
    /// layer and the embedding's share of the bilinear map) are summed first, then each member finishes its own
    /// state. For an embedding that is mostly zeros, as a hashed prompt is, the rows are also stored column by
    /// column, so the prompt costs one multiply-add of a short contiguous column per non-zero value, shared by
    /// the ensemble's members; a dense embedding takes one dot product per row. Equal to
    /// <see cref="PrepareForTraining"/> up to rounding.
    /// </summary>
    public PromptState Prepare(ReadOnlySpan<float> embedding)
    {
        CheckDimension(embedding);
        var rows = new float[_rowTotal];
        var indices = t_indices is { } buffer && buffer.Length >= embedding.Length ? buffer : t_indices = new int[embedding.Length];
        var nonZero = NonZero(embedding, indices);
        if (nonZero * 2 <= embedding.Length)
        {
            ColumnPass(embedding, indices.AsSpan(0, nonZero), rows);
        }
        else
        {
            var filled = RowPass(embedding, rows);
            foreach (var member in _members)
            {
                filled += member.RowPass(embedding, rows.AsSpan(filled));
            }
        }

        var members = new PromptState[_members.Length];
        var offset = RowCount(Weights);
        for (var m = 0; m < members.Length; m++)
        {
            var count = RowCount(_members[m].Weights);
            members[m] = _members[m].FromRows(rows.AsSpan(offset, count), embedding, []);
            offset += count;
        }

        return FromRows(rows.AsSpan(0, RowCount(Weights)), embedding, members);
    }

    /// <summary>
    /// The per-prompt part computed row by row from the weights as stored, keeping the prompt features and
    /// hidden pre-activations the gradients need. Training uses it, so its arithmetic stays fixed.
    /// </summary>
    public PromptState PrepareForTraining(ReadOnlySpan<float> embedding)
    {
        var w = Weights;
        var d = w.Dimension;
        CheckDimension(embedding);

        var members = new PromptState[_members.Length];
        for (var m = 0; m < members.Length; m++)
        {
            members[m] = _members[m].PrepareForTraining(embedding);
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

        FinishPrompt(state, embedding);
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

    private void CheckDimension(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Weights.Dimension)
        {
            throw new ArgumentException($"Embedding has {embedding.Length} dimensions; the predictor expects {Weights.Dimension}.", nameof(embedding));
        }
    }

    /// <summary>A predictor's rows in <see cref="EmbeddingColumns"/>: affinity (T), hidden (H), bilinear (T+1).</summary>
    private static int RowCount(PredictorWeights w) => (2 * w.TaskCount) + w.Hidden + 1;

    /// <summary>A member's prompt state from its rows of the column pass (embedding terms and biases summed).</summary>
    private PromptState FromRows(ReadOnlySpan<float> rows, ReadOnlySpan<float> embedding, PromptState[] members)
    {
        var w = Weights;
        var t = w.TaskCount;
        var d = w.Dimension;
        var z = w.FeatureCount;
        var state = new PromptState(t, 0, w.Hidden, w.Head?.Features ?? 0) { Members = members };
        rows[..t].CopyTo(state.Affinity);
        TensorPrimitives.SoftMax(state.Affinity, state.Affinity);
        rows.Slice(t, w.Hidden).CopyTo(state.HiddenPre);
        Span<float> relu = w.Hidden <= 256 ? stackalloc float[w.Hidden] : new float[w.Hidden];
        TensorPrimitives.Max(state.HiddenPre, 0f, relu);
        for (var k = 0; k <= t; k++)
        {
            state.Projected[k] = rows[t + w.Hidden + k] + TensorPrimitives.Dot(w.Bilinear.AsSpan((k * z) + d, w.Hidden), relu);
        }

        FinishPrompt(state, embedding);
        return state;
    }

    /// <summary>The parts after the affinity and projections: aᵀB and the contrast head.</summary>
    private void FinishPrompt(PromptState state, ReadOnlySpan<float> embedding)
    {
        var w = Weights;

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
    }

    private void ColumnPass(ReadOnlySpan<float> embedding, ReadOnlySpan<int> nonZero, float[] rows)
    {
        var columns = LazyInitializer.EnsureInitialized(ref _columns, BuildColumns);
        columns.Bias.CopyTo(rows, 0);
        var all = columns.Values;
        var width = columns.Width;
        if (!Vector256.IsHardwareAccelerated)
        {
            foreach (var j in nonZero)
            {
                TensorPrimitives.MultiplyAdd(all.AsSpan(j * width, width), embedding[j], rows, rows);
            }

            return;
        }

        ref var sum = ref MemoryMarshal.GetArrayDataReference(rows);
        ref var first = ref MemoryMarshal.GetArrayDataReference(all);
        foreach (var j in nonZero)
        {
            var x = Vector256.Create(embedding[j]);
            ref var column = ref Unsafe.Add(ref first, j * width);
            for (var k = 0; k < width; k += Vector256<float>.Count)
            {
                var value = Vector256.LoadUnsafe(ref column, (nuint)k);
                (Vector256.LoadUnsafe(ref sum, (nuint)k) + (value * x)).StoreUnsafe(ref sum, (nuint)k);
            }
        }
    }

    private static int Padded(int rows) => (rows + Vector256<float>.Count - 1) / Vector256<float>.Count * Vector256<float>.Count;

    /// <summary>Writes the positions of the non-zero values into <paramref name="indices"/>; returns how many.</summary>
    internal static int NonZero(ReadOnlySpan<float> values, Span<int> indices)
    {
        var count = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Hashed embeddings are zero in long runs: skip eight at a time.
            ref var first = ref MemoryMarshal.GetReference(values);
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                if (Vector256.EqualsAll(Vector256.LoadUnsafe(ref first, (nuint)i), Vector256<float>.Zero))
                {
                    continue;
                }

                for (var j = i; j < i + Vector256<float>.Count; j++)
                {
                    if (values[j] != 0f)
                    {
                        indices[count++] = j;
                    }
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (values[i] != 0f)
            {
                indices[count++] = i;
            }
        }

        return count;
    }

    /// <summary>This predictor's rows, in the order of <see cref="BuildColumns"/>, by dot products; returns their count.</summary>
    private int RowPass(ReadOnlySpan<float> embedding, Span<float> rows)
    {
        var w = Weights;
        var d = w.Dimension;
        var z = w.FeatureCount;
        var row = 0;
        for (var t = 0; t < w.TaskCount; t++)
        {
            rows[row++] = Affine(w.Affinity, t, d, embedding);
        }

        for (var h = 0; h < w.Hidden; h++)
        {
            rows[row++] = Affine(w.HiddenWeights, h, d, embedding);
        }

        for (var k = 0; k <= w.TaskCount; k++)
        {
            rows[row++] = TensorPrimitives.Dot(w.Bilinear.AsSpan(k * z, d), embedding) + w.Bilinear[(k * z) + z - 1];
        }

        return row;
    }

    private EmbeddingColumns BuildColumns()
    {
        PredictorWeights[] all = [Weights, .. _members.Select(m => m.Weights)];
        var d = Weights.Dimension;
        var width = Padded(all.Sum(RowCount));
        var values = new float[d * width];
        var bias = new float[width];
        var row = 0;
        void Add(ReadOnlySpan<float> source, float constant)
        {
            for (var j = 0; j < d; j++)
            {
                values[(j * width) + row] = source[j];
            }

            bias[row++] = constant;
        }

        foreach (var w in all)
        {
            var z = w.FeatureCount;
            for (var t = 0; t < w.TaskCount; t++)
            {
                Add(w.Affinity.AsSpan(t * (d + 1), d), w.Affinity[(t * (d + 1)) + d]);
            }

            for (var h = 0; h < w.Hidden; h++)
            {
                Add(w.HiddenWeights.AsSpan(h * (d + 1), d), w.HiddenWeights[(h * (d + 1)) + d]);
            }

            // The bilinear rows' constant is their weight on the feature fixed at 1; their hidden part is added later.
            for (var k = 0; k <= w.TaskCount; k++)
            {
                Add(w.Bilinear.AsSpan(k * z, d), w.Bilinear[(k * z) + z - 1]);
            }
        }

        return new EmbeddingColumns(values, bias, width);
    }

    /// <summary>D columns of <paramref name="Width"/> values, one per embedding dimension, and the rows' constants.</summary>
    private sealed record EmbeddingColumns(float[] Values, float[] Bias, int Width);

    private static float Affine(float[] matrix, int row, int d, ReadOnlySpan<float> x)
    {
        var span = matrix.AsSpan(row * (d + 1), d + 1);
        return TensorPrimitives.Dot(span[..d], x) + span[d];
    }
}
