using BenchmarkDotNet.Attributes;
using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Decision;
using Gateway.Routing.Prediction;

namespace Gateway.Bench.Routing;

/// <summary>
/// The decision given the prompt embedding: predicted quality for 20 candidates, hard constraints and ranking.
/// Scoring 5 candidates is the baseline, so the ratio shows how the cost grows with the candidate list.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class ScoringBenchmarks
{
    private LearnedRouter _router50 = null!;
    private LearnedRouter _router20 = null!;
    private LearnedRouter _router5 = null!;
    private float[] _embedding = null!;
    private int _tokens;
    private RouteRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var encoder = new HashingPromptEncoder(384);
        _router50 = BenchmarkRouters.Create(encoder, 50);
        _router20 = BenchmarkRouters.Create(encoder, 20);
        _router5 = BenchmarkRouters.Create(encoder, 5);
        _embedding = encoder.Encode(BenchmarkRouters.Prompt500Tokens);
        _tokens = TokenEstimator.Estimate(BenchmarkRouters.Prompt500Tokens);
        _request = new RouteRequest(BenchmarkRouters.Prompt500Tokens, new CostWeights(Cost: 0.1, Size: 0.05));
    }

    [Benchmark(Baseline = true, Description = "score 5 candidates")]
    public RouteDecision Score5() => _router5.Decide(_embedding, _tokens, _request);

    [Benchmark(Description = "score 20 candidates")]
    public RouteDecision Score20() => _router20.Decide(_embedding, _tokens, _request);

    [Benchmark(Description = "score 50 candidates")]
    public RouteDecision Score50() => _router50.Decide(_embedding, _tokens, _request);
}

/// <summary>
/// The per-prompt pass given the embedding of a 500-token prompt, row by row as training computes it (the
/// baseline) against the pass routing uses (by columns for a sparse embedding), and the whole decision for 20
/// candidates. Two shapes: the shipped fast router (hashed 4,096-value embedding with shape features, mostly
/// zeros, an ensemble of three predictors with contrast heads) and a MiniLM-sized one (384 dense values, one
/// predictor).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class EnsemblePromptBenchmarks
{
    private QualityPredictor _predictor = null!;
    private LearnedRouter _router = null!;
    private float[] _embedding = null!;
    private int _tokens;
    private RouteRequest _request = null!;

    [Params("hashing-4096+shape x3", "dense-384 x1")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var shipped = Shape.StartsWith("hashing", StringComparison.Ordinal);
        IPromptEncoder encoder = shipped ? new ShapeFeatureEncoder(new HashingPromptEncoder(4096)) : new DenseEncoder(384);
        var (ensemble, head) = shipped ? (3, ShapeFeatureEncoder.ShapeDimension) : (1, 0);
        _predictor = new QualityPredictor(BenchmarkRouters.Weights(encoder.Dimension, ensemble, head, new Random(7)));
        _router = BenchmarkRouters.Create(encoder, 20, ensemble, head);
        _embedding = encoder.Encode(BenchmarkRouters.Prompt500Tokens);
        _tokens = TokenEstimator.Estimate(BenchmarkRouters.Prompt500Tokens);
        _request = new RouteRequest(BenchmarkRouters.Prompt500Tokens, new CostWeights(Cost: 0.1, Size: 0.05));
    }

    [Benchmark(Baseline = true, Description = "prompt pass, row by row")]
    public object RowByRow() => _predictor.PrepareForTraining(_embedding);

    [Benchmark(Description = "prompt pass for routing")]
    public object Columns() => _predictor.Prepare(_embedding);

    [Benchmark(Description = "decide, 20 candidates")]
    public RouteDecision Decide() => _router.Decide(_embedding, _tokens, _request);

    /// <summary>A MiniLM-like embedding without the model: seeded, every value non-zero, unit length.</summary>
    private sealed class DenseEncoder(int dimension) : IPromptEncoder
    {
        public string Id => "dense-benchmark";

        public int Dimension => dimension;

        public float[] Encode(string prompt)
        {
            var random = new Random(prompt.Length);
            var values = Enumerable.Range(0, dimension).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var norm = MathF.Sqrt(values.Sum(v => v * v));
            return [.. values.Select(v => v / norm)];
        }

        public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts) => [.. prompts.Select(Encode)];
    }
}
