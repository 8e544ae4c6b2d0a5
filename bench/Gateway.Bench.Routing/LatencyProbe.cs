using System.Diagnostics;
using Gateway.Routing;

namespace Gateway.Bench.Routing;

/// <summary>
/// `p99 [N]`: times N single decisions with a stopwatch and prints p50/p99/max, the numbers the latency targets
/// are stated in (BenchmarkDotNet reports means and P95 of iteration averages, not per-call tails).
/// </summary>
internal static class LatencyProbe
{
    public static int Run(int count, int maxTokens, int threads)
    {
        using var encoder = new MiniLmPromptEncoder(maxTokens, threads);
        Console.WriteLine($"encoder {encoder.Id}, {(threads == 0 ? "all" : threads.ToString(System.Globalization.CultureInfo.InvariantCulture))} ONNX threads, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        var router = BenchmarkRouters.Create(encoder);
        var request = new RouteRequest(BenchmarkRouters.Prompt500Tokens, new CostWeights(Cost: 0.1));
        var embedding = encoder.Encode(request.Prompt);
        var tokens = TokenEstimator.Estimate(request.Prompt);
        Report("encode + decide (500 tokens, 20 candidates)", count, () => router.Route(request));
        Report("decide given embedding (20 candidates)", count * 20, () => router.Decide(embedding, tokens, request));
        var hashing = BenchmarkRouters.Create(new HashingPromptEncoder(4096));
        Report("hashing encoder (4096) encode + decide (500 tokens, 20 candidates)", count * 20, () => hashing.Route(request));
        var shapeEncoder = new ShapeFeatureEncoder(new HashingPromptEncoder(4096));
        var shaped = BenchmarkRouters.Create(shapeEncoder);
        Report("hashing encoder (4096) + shape features, encode + decide (500 tokens, 20 candidates)", count * 20, () => shaped.Route(request));
        var ensemble = BenchmarkRouters.Create(shapeEncoder, ensemble: 3, contrastFeatures: ShapeFeatureEncoder.ShapeDimension);
        Report("hashing (4096) + shape, ensemble of 3 with contrast heads, encode + decide (500 tokens, 20 candidates)", count * 20, () => ensemble.Route(request));
        var shapedEmbedding = shapeEncoder.Encode(request.Prompt);
        Report("ensemble of 3 with contrast heads, decide given embedding (20 candidates)", count * 20, () => ensemble.Decide(shapedEmbedding, tokens, request));
        return 0;
    }

    private static void Report(string name, int count, Action action)
    {
        for (var i = 0; i < Math.Min(50, count); i++)
        {
            action();
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        Console.WriteLine($"{name}: n={count} p50 {samples[count / 2]:F1} µs, p99 {samples[(int)(count * 0.99)]:F1} µs, max {samples[^1]:F1} µs");
    }
}
