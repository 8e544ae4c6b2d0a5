using BenchmarkDotNet.Attributes;
using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Decision;

namespace Gateway.Bench.Routing;

/// <summary>
/// A full routing decision for a 500-token prompt: MiniLM encoding (no cache hit) plus prediction, constraints
/// and ranking over 20 candidates. Encoding alone is the baseline, so the ratio shows what the decision adds.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class DecisionBenchmarks
{
    private MiniLmPromptEncoder _encoder = null!;
    private LearnedRouter _router = null!;
    private RouteRequest _request = null!;

    /// <summary>Word pieces the encoder reads: 256 is the shipped default, 64 the fast setting.</summary>
    [Params(64, 256)]
    public int MaxTokens { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _encoder = new MiniLmPromptEncoder(MaxTokens);
        _router = BenchmarkRouters.Create(_encoder);
        _request = new RouteRequest(BenchmarkRouters.Prompt500Tokens, new CostWeights(Cost: 0.1));
    }

    [GlobalCleanup]
    public void Cleanup() => _encoder.Dispose();

    [Benchmark(Baseline = true, Description = "encode 500-token prompt")]
    public float[] Encode() => _encoder.Encode(BenchmarkRouters.Prompt500Tokens);

    [Benchmark(Description = "encode + decide, 20 candidates")]
    public RouteDecision EncodeAndDecide() => _router.Route(_request);
}
