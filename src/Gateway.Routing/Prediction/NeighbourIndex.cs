using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

/// <summary>
/// The train prompts a router ships for its neighbour estimate: each prompt's embedding reduced by a fixed random
/// projection to a few dimensions and scaled to unit length, its task and each training model's score. A prompt's
/// estimate of a model's quality is the model's score averaged over every train prompt, each weighted by
/// <c>exp((cos − cos_max) / τ)</c>: a soft k nearest neighbours whose temperature τ sets how many count.
/// </summary>
/// <remarks>
/// The projection keeps the index small (a few hundred kilobytes for thousands of prompts) and a decision cheap
/// (one multiply-add over the train prompts per projected dimension), at the price of approximate similarities. Its
/// ±1 entries come from a hash of the seed and the position, so it is rebuilt at load and never stored.
/// </remarks>
internal sealed class NeighbourIndex
{
    [ThreadStatic]
    private static float[]? t_weights;

    private readonly float[] _projection;

    /// <param name="inputDimension">Dimension of the encoder's embeddings.</param>
    /// <param name="seed">Seed of the projection.</param>
    /// <param name="columns">Projected unit embeddings, dimension by dimension: <c>columns[j × N + i]</c>.</param>
    /// <param name="scores">Scores model by model: <c>scores[m × N + i]</c>, in [0, 1].</param>
    /// <param name="taskOf">Each prompt's task index.</param>
    /// <param name="models">The models scored, in <paramref name="scores"/> order.</param>
    /// <param name="tasks">Number of tasks.</param>
    public NeighbourIndex(int inputDimension, int seed, float[] columns, float[] scores, int[] taskOf, IReadOnlyList<string> models, int tasks)
    {
        Count = taskOf.Length;
        if (Count == 0 || columns.Length % Count != 0 || scores.Length != Count * models.Count || inputDimension <= 0 || tasks <= 0)
        {
            throw new InvalidDataException($"a neighbour index of {Count} prompts, {models.Count} models and {tasks} tasks cannot hold {columns.Length} projected and {scores.Length} score values");
        }

        if (!Array.TrueForAll(taskOf, t => t >= 0 && t < tasks) || !Array.TrueForAll(scores, s => s is >= 0 and <= 1) || !Array.TrueForAll(columns, float.IsFinite))
        {
            throw new InvalidDataException("a neighbour index holds a task out of range, a score outside [0, 1] or a non-finite value");
        }

        InputDimension = inputDimension;
        Dimensions = columns.Length / Count;
        Seed = seed;
        Columns = columns;
        Scores = scores;
        TaskOf = taskOf;
        Models = models;
        Tasks = tasks;
        _projection = Projection(inputDimension, Dimensions, seed);
    }

    public int InputDimension { get; }

    /// <summary>Projected dimensions.</summary>
    public int Dimensions { get; }

    public int Seed { get; }

    /// <summary>Train prompts.</summary>
    public int Count { get; }

    public float[] Columns { get; }

    public float[] Scores { get; }

    public int[] TaskOf { get; }

    public IReadOnlyList<string> Models { get; }

    public int Tasks { get; }

    /// <summary>Builds an index over <paramref name="embeddings"/> with their scores (NaN where a model has none counts 0).</summary>
    public static NeighbourIndex Build(float[][] embeddings, float[][] targets, int[] taskOf, IReadOnlyList<string> models, int tasks, int dimensions, int seed)
    {
        var n = embeddings.Length;
        var inputDimension = embeddings[0].Length;
        var projection = Projection(inputDimension, dimensions, seed);
        var columns = new float[dimensions * n];
        var row = new float[dimensions];
        for (var i = 0; i < n; i++)
        {
            Project(projection, dimensions, embeddings[i], row);
            for (var j = 0; j < dimensions; j++)
            {
                // Rounded as the artefact stores them (half precision), so the blend is fitted on what ships.
                columns[(j * n) + i] = (float)(Half)row[j];
            }
        }

        var scores = new float[models.Count * n];
        for (var m = 0; m < models.Count; m++)
        {
            for (var i = 0; i < n; i++)
            {
                var s = targets[i][m];
                scores[(m * n) + i] = float.IsNaN(s) ? 0f : (float)(Half)s;
            }
        }

        return new NeighbourIndex(inputDimension, seed, columns, scores, taskOf, models, tasks);
    }

    /// <summary>
    /// Each indexed model's estimated quality for the prompt (<paramref name="models"/>, in <see cref="Models"/> order)
    /// and the neighbours' task shares (<paramref name="taskShares"/>), at temperature <paramref name="temperature"/>.
    /// </summary>
    public void Estimate(ReadOnlySpan<float> embedding, float temperature, Span<float> models, Span<float> taskShares)
    {
        Span<float> query = stackalloc float[Dimensions];
        Project(_projection, Dimensions, embedding, query);
        var n = Count;
        var weights = t_weights is { } buffer && buffer.Length >= n ? buffer.AsSpan(0, n) : (t_weights = new float[n]).AsSpan();
        weights.Clear();
        for (var j = 0; j < Dimensions; j++)
        {
            TensorPrimitives.MultiplyAdd(Columns.AsSpan(j * n, n), query[j], weights, weights);
        }

        // exp((cos − max) / τ): the nearest prompt weighs 1, so the sum never overflows nor vanishes.
        var max = TensorPrimitives.Max(weights);
        TensorPrimitives.Subtract(weights, max, weights);
        TensorPrimitives.Multiply(weights, 1f / temperature, weights);
        TensorPrimitives.Exp(weights, weights);
        var total = TensorPrimitives.Sum(weights);
        for (var m = 0; m < Models.Count; m++)
        {
            models[m] = TensorPrimitives.Dot(weights, Scores.AsSpan(m * n, n)) / total;
        }

        taskShares.Clear();
        for (var i = 0; i < n; i++)
        {
            taskShares[TaskOf[i]] += weights[i];
        }

        TensorPrimitives.Divide(taskShares, total, taskShares);
    }

    /// <summary>±1 entries, dimension-major rows of the input: <c>p[d × P + j]</c>.</summary>
    private static float[] Projection(int inputDimension, int dimensions, int seed)
    {
        var projection = new float[inputDimension * dimensions];
        for (var d = 0; d < inputDimension; d++)
        {
            for (var j = 0; j < dimensions; j++)
            {
                var h = (uint)seed * 0x9E3779B1u ^ (uint)d * 0x85EBCA77u ^ (uint)j * 0xC2B2AE3Du;
                h ^= h >> 15;
                h *= 0x2C1B3C6Du;
                h ^= h >> 12;
                projection[(d * dimensions) + j] = (h & 1) == 0 ? 1f : -1f;
            }
        }

        return projection;
    }

    /// <summary>The unit-length projection of <paramref name="embedding"/>; zero values cost nothing.</summary>
    private static void Project(float[] projection, int dimensions, ReadOnlySpan<float> embedding, Span<float> result)
    {
        result.Clear();
        for (var d = 0; d < embedding.Length; d++)
        {
            var v = embedding[d];
            if (v != 0)
            {
                TensorPrimitives.MultiplyAdd(projection.AsSpan(d * dimensions, dimensions), v, result, result);
            }
        }

        var norm = TensorPrimitives.Norm(result);
        if (norm > 0)
        {
            TensorPrimitives.Divide(result, norm, result);
        }
    }
}
