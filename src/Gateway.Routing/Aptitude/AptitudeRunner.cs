using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Routing.Aptitude;

/// <summary>How <see cref="AptitudeRunner"/> asks the model.</summary>
internal sealed record AptitudeRunOptions(string Model, int Concurrency = 4, int MaxTokens = 256);

/// <summary>
/// Puts every item to a model through an OpenAI-compatible endpoint (the gateway), at temperature 0, and scores
/// the replies. The client's base address is the gateway root. A failed call (HTTP error, timeout, a response
/// without content) scores 0 and carries its error; it never stops the run.
/// </summary>
internal sealed class AptitudeRunner(HttpClient http)
{
    private const int MaxErrorLength = 300;

    public async Task<IReadOnlyList<AptitudeOutcome>> RunAsync(
        IReadOnlyList<AptitudeItem> items,
        AptitudeRunOptions options,
        IProgress<AptitudeOutcome>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var outcomes = new AptitudeOutcome[items.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (i, token) =>
        {
            outcomes[i] = await AskAsync(items[i], options, token);
            progress?.Report(outcomes[i]);
        });
        return outcomes;
    }

    private async Task<AptitudeOutcome> AskAsync(AptitudeItem item, AptitudeRunOptions options, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = options.Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = item.Prompt }),
            ["temperature"] = 0,
            ["max_tokens"] = options.MaxTokens,
        };
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.PostAsJsonAsync("v1/chat/completions", body, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var latency = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 1);
            if (!response.IsSuccessStatusCode)
            {
                return AptitudeOutcome.Failed(options.Model, item, $"HTTP {(int)response.StatusCode}: {Shorten(text)}") with { LatencyMs = latency };
            }

            var json = JsonNode.Parse(text);
            var message = json?["choices"]?[0]?["message"];
            var tokens = json?["usage"]?["total_tokens"] is JsonValue total && total.TryGetValue<long>(out var t) ? t : (long?)null;
            // Agents say how many tool steps they ran; a plain model's answer has no such field.
            var steps = json?["gateway_run"]?["steps"] is JsonValue count && count.TryGetValue<int>(out var n) ? n : (int?)null;
            var outcome = message?["content"] is JsonValue content && content.TryGetValue<string>(out var reply)
                ? AptitudeOutcome.Scored(options.Model, item, reply)
                : AptitudeOutcome.Failed(options.Model, item, $"The response has no message content: {Shorten(text)}");
            return outcome with { Tokens = tokens, LatencyMs = latency, ToolCalls = steps };
        }
        catch (HttpRequestException ex)
        {
            return AptitudeOutcome.Failed(options.Model, item, $"Request failed: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AptitudeOutcome.Failed(options.Model, item, $"Timed out after {http.Timeout.TotalSeconds:F0} s.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return AptitudeOutcome.Failed(options.Model, item, $"Unreadable response: {ex.Message}");
        }
    }

    private static string Shorten(string text) =>
        text.Length <= MaxErrorLength ? text.Trim() : string.Concat(text.AsSpan(0, MaxErrorLength), "…");
}
