using System.Diagnostics;
using System.Numerics.Tensors;
using Gateway.Embeddings;
using Gateway.State;
using Gateway.State.Cache;
using Microsoft.Extensions.Options;

namespace Gateway.Bench.SemCache;

/// <summary>
/// Lookup latency with one partition of <c>entries</c> answers: the semantic cache's int8 scan (through
/// <see cref="InMemorySemanticCache"/>), a float32 scan of the same vectors (TensorPrimitives.Dot over one contiguous
/// array), the exact cache's lookup with as many entries, and MiniLM's encoding of a new question; rounds interleaved.
/// </summary>
internal static class Latency
{
    private const int Dimension = 384;

    public static void Run(int entries, int lookups, IPromptEncoder encoder, List<string> questions)
    {
        var random = new Random(7);
        var time = TimeProvider.System;
        var options = Options.Create(new StateOptions
        {
            SemanticCacheMaxEntries = entries,
            SemanticCacheMaxEntriesPerPartition = entries,
            SemanticCacheMaxBytes = long.MaxValue / 2,
            CacheMaxEntries = entries,
            CacheMaxBytes = long.MaxValue / 2,
        });
        using var semantic = new InMemorySemanticCache(options, time);
        var exact = new InMemoryResponseCache(options, time);
        var flat = new float[entries * Dimension];
        var answer = new CachedResponse(200, "application/json", new byte[256], "bench");
        for (var i = 0; i < entries; i++)
        {
            var v = UnitVector(random);
            v.CopyTo(flat.AsSpan(i * Dimension));
            semantic.SetAsync("p", v, answer, TimeSpan.FromHours(1), default).AsTask().GetAwaiter().GetResult();
            exact.SetAsync("k" + i, answer, TimeSpan.FromHours(1), default).AsTask().GetAwaiter().GetResult();
        }

        var queries = Enumerable.Range(0, 256).Select(_ => UnitVector(random)).ToArray();
        var samples = new Dictionary<string, List<double>> { ["exact"] = [], ["float32"] = [], ["int8"] = [], ["encode"] = [] };
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < lookups / 3; i++)
            {
                var q = queries[i % queries.Length];
                var start = Stopwatch.GetTimestamp();
                _ = exact.GetAsync("k" + random.Next(entries), default).AsTask().GetAwaiter().GetResult();
                samples["exact"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

                start = Stopwatch.GetTimestamp();
                var best = float.NegativeInfinity;
                for (var e = 0; e < entries; e++)
                {
                    best = Math.Max(best, TensorPrimitives.Dot(q, flat.AsSpan(e * Dimension, Dimension)));
                }

                samples["float32"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                _ = semantic.FindAsync("p", q, 0.9f, default).AsTask().GetAwaiter().GetResult();
                samples["int8"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                GC.KeepAlive(best);
            }

            foreach (var question in questions.Skip(round * questions.Count / 3).Take(questions.Count / 3))
            {
                var start = Stopwatch.GetTimestamp();
                _ = encoder.Encode(question);
                samples["encode"].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        Console.WriteLine($"\nlookup latency, one partition of {entries:N0} entries, {lookups / 3 * 3} lookups in 3 interleaved rounds (ms)");
        Console.WriteLine("| what | p50 | p99 |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, values) in samples)
        {
            Console.WriteLine($"| {name} | {Percentile(values, 0.50):0.000} | {Percentile(values, 0.99):0.000} |");
        }

        Console.WriteLine($"int8 scan / float32 scan p50: {Percentile(samples["int8"], 0.5) / Percentile(samples["float32"], 0.5):0.00}x; " +
            $"int8 scan / exact lookup p50: {Percentile(samples["int8"], 0.5) / Percentile(samples["exact"], 0.5):0}x; " +
            $"added by a semantic lookup (encode + int8 scan) p99: {Percentile(samples["encode"], 0.99) + Percentile(samples["int8"], 0.99):0.00} ms");
    }

    private static float[] UnitVector(Random random)
    {
        var v = new float[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }
}
