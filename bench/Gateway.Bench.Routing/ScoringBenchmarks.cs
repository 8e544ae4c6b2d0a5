using BenchmarkDotNet.Attributes;
using Gateway.Routing;
using Gateway.Routing.Decision;

namespace Gateway.Bench.Routing;

/// <summary>
/// The decision given the prompt embedding: predicted quality for 20 candidates, hard constraints and ranking.
/// Scoring 5 candidates is the baseline, so the ratio shows how the cost grows with the candidate list.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class ScoringBenchmarks
{
    private LearnedRouter _router20 = null!;
    private LearnedRouter _router5 = null!;
    private float[] _embedding = null!;
    private int _tokens;
    private RouteRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var encoder = new HashingPromptEncoder(384);
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
}
