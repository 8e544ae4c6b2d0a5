using System.Diagnostics;
using Gateway.Embeddings;
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

    /// <summary>
    /// `p99-data DATA ROUTER [SPLIT]`: a trained artefact over a routing data set's own prompts, so the
    /// percentiles are over real prompt sizes rather than one prompt repeated; the largest prompts are reported
    /// apart. Ends with the prompt pass alone, routing's against training's row-by-row arithmetic of the same
    /// weights, interleaved so both see the same machine.
    /// </summary>
    public static int RunOnData(string dataDir, string routerDir, string split)
    {
        var dataset = Gateway.Routing.Data.RoutingDataset.Load(dataDir);
        var prompts = dataset.Split(split).Select(o => o.Prompt).ToArray();
        var artifact = Gateway.Routing.Artifacts.RouterArtifactStore.Load(routerDir);
        var encoder = RouterFactory.EncoderFor(artifact.EncoderId, n => new MiniLmPromptEncoder(n))
            ?? throw new InvalidOperationException($"no encoder for '{artifact.EncoderId}'");
        var candidates = artifact.Capabilities.Keys.Select(m => new CandidateDescriptor(m)).ToArray();
        var router = RouterFactory.Create(artifact, candidates, encoder);
        Console.WriteLine($"{dataset.Name}/{split}: {prompts.Length} prompts, router {Path.GetFileName(Path.GetFullPath(routerDir))} ({artifact.EncoderId}, {candidates.Length} candidates), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        var embeddings = prompts.Select(encoder.Encode).ToArray();
        var tokens = prompts.Select(TokenEstimator.Estimate).ToArray();
        var requests = prompts.Select(p => new RouteRequest(p)).ToArray();
        var next = 0;
        Warm(() =>
        {
            var i = next++ % prompts.Length;
            router.Decide(encoder.Encode(prompts[i]), tokens[i], requests[i]);
        });

        const int rounds = 20;
        var encodeAndDecide = new double[prompts.Length];
        for (var i = 0; i < prompts.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            router.Decide(encoder.Encode(prompts[i]), tokens[i], requests[i]);
            encodeAndDecide[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        var decide = Time(prompts.Length, rounds, i => router.Decide(embeddings[i], tokens[i], requests[i]), embeddings);
        var predictor = new Gateway.Routing.Prediction.QualityPredictor(artifact.Weights);
        Warm(() =>
        {
            var i = next++ % prompts.Length;
            predictor.Prepare(embeddings[i]);
            predictor.PrepareForTraining(embeddings[i]);
        });
        var routing = new double[prompts.Length * rounds];
        var rowByRow = new double[prompts.Length * rounds];
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < prompts.Length; i++)
            {
                Touch(embeddings[i]);
                var start = Stopwatch.GetTimestamp();
                predictor.Prepare(embeddings[i]);
                routing[(r * prompts.Length) + i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                Touch(embeddings[i]);
                start = Stopwatch.GetTimestamp();
                predictor.PrepareForTraining(embeddings[i]);
                rowByRow[(r * prompts.Length) + i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        Print("encode + decide", encodeAndDecide);
        Print("decide given embedding", decide);
        var largest = Enumerable.Range(0, prompts.Length).OrderByDescending(i => prompts[i].Length).Take(Math.Max(1, prompts.Length / 20)).ToArray();
        Print($"decide given embedding, the largest {largest.Length} prompts ({prompts[largest[^1]].Length}+ characters)",
            [.. largest.SelectMany(i => Enumerable.Range(0, rounds).Select(r => decide[(r * prompts.Length) + i]))]);
        Print("prompt pass for routing", routing);
        Print("prompt pass row by row (training's arithmetic)", rowByRow);
        Console.WriteLine($"prompt pass, routing / row by row: mean {routing.Average() / rowByRow.Average():F2}");
        return 0;
    }

    /// <summary>
    /// Times <paramref name="action"/> on every index, <paramref name="rounds"/> times over; sample r·n + i. Each
    /// embedding is read just before its call, as the encoder has just written it when the gateway routes: 500
    /// embeddings of 4,126 values do not stay in cache, and reading one cold costs several microseconds.
    /// </summary>
    private static double[] Time(int n, int rounds, Action<int> action, float[][] embeddings)
    {
        var samples = new double[n * rounds];
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < n; i++)
            {
                Touch(embeddings[i]);
                var start = Stopwatch.GetTimestamp();
                action(i);
                samples[(r * n) + i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        return samples;
    }

    private static float Touch(float[] embedding) => System.Numerics.Tensors.TensorPrimitives.Sum(embedding);

    /// <summary>
    /// Runs <paramref name="action"/> for a second before anything is timed: the runtime compiles a method again,
    /// optimised, only after it has run a while, and timing before that measures the first compilation tier.
    /// </summary>
    private static void Warm(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        var calls = 0;
        while (calls++ < 50 || Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(1))
        {
            action();
        }
    }

    private static void Print(string name, double[] samples)
    {
        samples = [.. samples];
        Array.Sort(samples);
        Console.WriteLine($"{name}: n={samples.Length} p50 {samples[samples.Length / 2]:F1} µs, p99 {samples[(int)(samples.Length * 0.99)]:F1} µs, max {samples[^1]:F1} µs");
    }

    private static void Report(string name, int count, Action action)
    {
        Warm(action);

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Print(name, samples);
    }
}
