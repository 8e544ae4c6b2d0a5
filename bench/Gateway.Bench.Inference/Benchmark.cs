using System.Globalization;
using System.Net.Http.Json;
using Gateway.Inference;
using Gateway.Inference.Pool;
using LLama;
using LLama.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Bench.Inference;

internal static class Benchmark
{
    public static async Task RunAsync(string path, BenchSettings settings, CancellationToken cancellation)
    {
        if (settings.NativeLibrary is { } library)
        {
            // As the ModelServer's NativeLibrarySetup: a file, or the folder holding libllama.so.
            LLama.Native.NativeLibraryConfig.All.WithLibrary(Directory.Exists(library) ? Path.Combine(library, "libllama.so") : library, null);
        }
        // Quiet llama.cpp's per-step logging in this process; it would be measured as serving cost.
        LLama.Native.NativeLibraryConfig.All.WithLogCallback((_, _) => { });
        var maxStreams = settings.Streams.Max();
        var size = new FileInfo(path).Length;
        Console.WriteLine($"model {Path.GetFileName(path)} ({size / 1_048_576.0:F1} MiB), {settings.Tokens} tokens per stream, " +
            $"threads {settings.Threads?.ToString(CultureInfo.InvariantCulture) ?? "default"}, best of {settings.Rounds} interleaved rounds, " +
            $"KV cache {(settings.SharedKvCache ? "shared" : "per sequence")}, prefix cache {(settings.PrefixCache ? "on" : "off")}");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Models:bench:Path"] = path,
            ["Gateway:Models:bench:ParallelSequences"] = maxStreams.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Models:bench:ContextSize"] = (settings.Tokens + 64).ToString(CultureInfo.InvariantCulture),
            ["Gateway:Models:bench:Threads"] = settings.Threads?.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Models:bench:SharedKvCache"] = settings.SharedKvCache ? "true" : "false",
            ["Gateway:Models:bench:PrefixCache"] = settings.PrefixCache ? "true" : "false",
            ["Gateway:Models:bench:GpuLayers"] = settings.GpuLayers.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Models:bench:NativeLibraryPath"] = settings.NativeLibrary,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddModelPool(configuration);
        await using var provider = services.BuildServiceProvider();
        var pool = provider.GetRequiredService<ModelPool>();
        // Held for the whole run: the server is neither idled out nor evicted, and its key stays valid.
        using var lease = await pool.AcquireAsync("bench", cancellation);
        var baseUri = lease.BaseUri;
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", lease.Authorization);
        using var weights = settings.InProcess ? LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = settings.GpuLayers }) : null;
        using var decodeThread = new DecodeThread();
        await using var gateway = settings.Gateway is { } dll ? await BenchGateway.StartAsync(dll, path, settings, cancellation) : null;
        using var gatewayClient = BenchGateway.CreateClient();

        // Warm-up: a full run of the fewest and the most streams through every path, so that the first measured round
        // does not time the servers' first compilation tier (its single stream came out slow and its gain high).
        if (gateway is not null)
        {
            // The first request through the gateway also starts its ModelServer; it is not measured.
            await HttpRunner.TokensPerSecondAsync(gatewayClient, gateway.BaseUri, settings with { Tokens = 16 }, 1, cancellation);
        }
        foreach (var n in new[] { settings.Streams.Min(), maxStreams })
        {
            if (gateway is not null)
            {
                await HttpRunner.TokensPerSecondAsync(gatewayClient, gateway.BaseUri, settings, n, cancellation);
            }
            await HttpRunner.TokensPerSecondAsync(client, baseUri, settings, n, cancellation);
            if (weights is not null)
            {
                await decodeThread.RunAsync(() => DirectRunner.TokensPerSecond(weights, path, settings, n));
            }
            if (weights is not null && settings.BatchedExecutor)
            {
                await InProcessRunner.TokensPerSecondAsync(weights, path, settings, n, cancellation);
            }
        }

        // Interleaved rounds, best of each: the two paths see the same background load.
        var http = settings.Streams.ToDictionary(n => n, _ => 0.0);
        var direct = settings.Streams.ToDictionary(n => n, _ => 0.0);
        var executor = settings.Streams.ToDictionary(n => n, _ => 0.0);
        var throughGateway = settings.Streams.ToDictionary(n => n, _ => 0.0);
        // Median time to first token, the lowest over the rounds.
        var httpFirst = settings.Streams.ToDictionary(n => n, _ => double.MaxValue);
        var gatewayFirst = settings.Streams.ToDictionary(n => n, _ => double.MaxValue);
        // Each round's own gain too (most streams over one, measured minutes apart at most): on a shared machine the
        // single stream's memory bandwidth moves from round to round, and the best of each count can pair a lucky
        // single stream with an ordinary batched one.
        var roundGains = new List<double>();
        var one = settings.Streams.Min();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var thisRound = new Dictionary<int, double>();
            foreach (var n in settings.Streams)
            {
                if (gateway is not null)
                {
                    var (rate, first) = await HttpRunner.MeasureAsync(gatewayClient, gateway.BaseUri, settings, n, cancellation);
                    thisRound[n] = rate;
                    throughGateway[n] = Math.Max(throughGateway[n], rate);
                    gatewayFirst[n] = Math.Min(gatewayFirst[n], first);
                }
                var (served, servedFirst) = await HttpRunner.MeasureAsync(client, baseUri, settings, n, cancellation);
                http[n] = Math.Max(http[n], served);
                httpFirst[n] = Math.Min(httpFirst[n], servedFirst);
                if (weights is not null)
                {
                    direct[n] = Math.Max(direct[n], await decodeThread.RunAsync(() => DirectRunner.TokensPerSecond(weights, path, settings, n)));
                }
                if (weights is not null && settings.BatchedExecutor)
                {
                    executor[n] = Math.Max(executor[n], await InProcessRunner.TokensPerSecondAsync(weights, path, settings, n, cancellation));
                }
            }
            if (gateway is not null)
            {
                roundGains.Add(thisRound[maxStreams] / thisRound[one]);
            }
        }

        if (settings.Results is { } results)
        {
            using var writer = new StreamWriter(results.FullName, append: true);
            foreach (var n in settings.Streams)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"modelserver\t{n}\t{http[n]:F1}\t{httpFirst[n]:F1}"));
                if (gateway is not null)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gateway\t{n}\t{throughGateway[n]:F1}\t{gatewayFirst[n]:F1}"));
                }
            }
        }
        Console.WriteLine();
        Console.WriteLine("streams | ModelServer HTTP tok/s | in-process tok/s (LLamaBatch loop) | HTTP / in-process | BatchedExecutor tok/s");
        Console.WriteLine("------- | ---------------------- | ---------------------------------- | ----------------- | ---------------------");
        foreach (var n in settings.Streams)
        {
            var executorText = settings.BatchedExecutor ? executor[n].ToString("F0", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine($"{n,7} | {http[n],22:F0} | {Rate(direct[n]),34} | {Ratio(http[n], direct[n]),17} | {executorText,21}");
        }
        Console.WriteLine();
        Console.WriteLine($"serving ratio at {one} stream: {Ratio(http[one], direct[one])} (target >= 0.90)");
        Console.WriteLine($"batching gain, HTTP {maxStreams} streams over {one}: {http[maxStreams] / http[one]:F2}x (target >= 3x)");
        Console.WriteLine($"batching gain, in-process {maxStreams} over {one}: {Ratio(direct[maxStreams], direct[one])}x");
        if (gateway is not null)
        {
            PrintGateway(settings, throughGateway, http, direct, roundGains);
        }
        if (settings.EmbeddingRequest)
        {
            await AfterEmbeddingAsync(client, baseUri, settings, http[one], cancellation);
        }
    }

    /// <summary>
    /// The single stream over HTTP again, after one embedding request to the same ModelServer: an embedding decoded on
    /// another thread than generation used to slow every later generation step (see the ModelServer's EmbeddingService).
    /// </summary>
    private static async Task AfterEmbeddingAsync(HttpClient client, Uri baseUri, BenchSettings settings, double before, CancellationToken cancellation)
    {
        using (var response = await client.PostAsJsonAsync(new Uri(baseUri, "embeddings"), new { model = "bench", input = "Benchmark embedding" }, cancellation))
        {
            response.EnsureSuccessStatusCode();
        }
        var one = settings.Streams.Min();
        var after = 0.0;
        for (var round = 0; round < settings.Rounds; round++)
        {
            after = Math.Max(after, await HttpRunner.TokensPerSecondAsync(client, baseUri, settings, one, cancellation));
        }
        Console.WriteLine();
        Console.WriteLine($"ModelServer HTTP, {one} stream, after one /v1/embeddings request: {after:F0} tok/s, {after / before:F2} of before ({before:F0})");
    }

    private static void PrintGateway(BenchSettings settings, Dictionary<int, double> gateway, Dictionary<int, double> http, Dictionary<int, double> direct, List<double> roundGains)
    {
        Console.WriteLine();
        Console.WriteLine("streams | gateway tok/s | gateway / in-process | gateway / ModelServer HTTP");
        Console.WriteLine("------- | ------------- | -------------------- | --------------------------");
        foreach (var n in settings.Streams)
        {
            Console.WriteLine($"{n,7} | {gateway[n],13:F0} | {Ratio(gateway[n], direct[n]),20} | {gateway[n] / http[n],26:F2}");
        }
        var one = settings.Streams.Min();
        var most = settings.Streams.Max();
        Console.WriteLine();
        Console.WriteLine($"gateway ratio at {one} stream: {Ratio(gateway[one], direct[one])} of in-process (target >= 0.90)");
        Console.WriteLine($"batching gain through the gateway, {most} streams over {one}: {gateway[most] / gateway[one]:F2}x (target >= 3x)");
        var sorted = roundGains.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        Console.WriteLine($"the same gain within each round: {string.Join(", ", roundGains.Select(g => g.ToString("F2", CultureInfo.InvariantCulture)))} (median {median:F2}x)");
    }

    /// <summary>A ratio to an in-process figure, or "-" when the in-process baseline was not run (--no-in-process).</summary>
    private static string Ratio(double value, double baseline) => baseline > 0 ? (value / baseline).ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Rate(double value) => value > 0 ? value.ToString("F0", CultureInfo.InvariantCulture) : "-";
}
