using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Bench.Inference;

/// <summary>The served path: concurrent streaming chat requests to a ModelServer process over loopback HTTP.</summary>
internal static class HttpRunner
{
    public static async Task<double> TokensPerSecondAsync(HttpClient http, Uri baseUri, BenchSettings settings, int streams, CancellationToken cancellation) =>
        (await MeasureAsync(http, baseUri, settings, streams, cancellation)).TokensPerSecond;

    /// <summary>Tokens/s over all streams, and the median time from sending a request to its first content chunk.</summary>
    public static async Task<(double TokensPerSecond, double FirstTokenMs)> MeasureAsync(HttpClient http, Uri baseUri, BenchSettings settings, int streams, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => StreamAsync(http, baseUri, settings.Tokens, i, cancellation)));
        var seconds = watch.Elapsed.TotalSeconds;
        var first = results.Select(r => r.FirstTokenMs).Order().ToList();
        return (results.Sum(r => r.Tokens) / seconds, first[first.Count / 2]);
    }

    private static async Task<(int Tokens, double FirstTokenMs)> StreamAsync(HttpClient http, Uri baseUri, int tokens, int seed, CancellationToken cancellation)
    {
        var start = Stopwatch.GetTimestamp();
        var firstTokenMs = double.NaN;
        var body = new
        {
            model = "bench",
            messages = new[] { new { role = "user", content = "Benchmark stream" } },
            max_tokens = tokens,
            seed,
            temperature = 1,
            stream = true,
            stream_options = new { include_usage = true },
            // No end-of-text, so every stream generates exactly max_tokens, as in-process.
            logit_bias = new Dictionary<string, int> { ["2"] = -100, ["4"] = -100 },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "chat/completions")) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
        var completion = 0;
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            // The first chunk carries the role alone (and empty content); the first token's text comes after it.
            if (double.IsNaN(firstTokenMs) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"role\"", StringComparison.Ordinal))
            {
                firstTokenMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            // Only the usage chunk needs parsing; content chunks are counted by the server's usage.
            if (!line.StartsWith("data: {", StringComparison.Ordinal) || !line.Contains("\"usage\"", StringComparison.Ordinal))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line.AsMemory(6));
            if (doc.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                completion = usage.GetProperty("completion_tokens").GetInt32();
            }
        }
        return (completion, firstTokenMs);
    }
}
