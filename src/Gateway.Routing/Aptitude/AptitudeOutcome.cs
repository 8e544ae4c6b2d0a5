using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Routing.Prediction;

namespace Gateway.Routing.Aptitude;

/// <summary>
/// One scored item of an aptitude run, a line of the <c>--outcomes</c> JSONL file:
/// <c>{"id","model","task","prompt","expected","reply","answer","score","error","tokens","latency_ms","tool_calls"}</c>.
/// <c>reply</c> is the model's text, <c>answer</c> what the scorer read from it; <c>error</c> says why a failed call
/// scored 0. <c>tokens</c> is the response's <c>usage.total_tokens</c> (for an agent, every role call's), <c>latency_ms</c>
/// the request's wall time, <c>tool_calls</c> the tool steps an agent ran (its <c>gateway_run.steps</c>); each is absent
/// when unknown.
/// </summary>
internal sealed record AptitudeOutcome(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("expected")] string Expected,
    [property: JsonPropertyName("reply")] string? Reply,
    [property: JsonPropertyName("answer")] string? Answer,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("tokens")] long? Tokens = null,
    [property: JsonPropertyName("latency_ms")] double? LatencyMs = null,
    [property: JsonPropertyName("tool_calls")] int? ToolCalls = null)
{
    public static AptitudeOutcome Scored(string model, AptitudeItem item, string reply) =>
        new(item.Id, model, item.Task, item.Prompt, item.Expected, reply, item.ExtractAnswer(reply), item.Score(reply));

    public static AptitudeOutcome Failed(string model, AptitudeItem item, string error) =>
        new(item.Id, model, item.Task, item.Prompt, item.Expected, null, null, 0, error);
}

/// <summary>Reads and writes outcome files and turns outcomes into aptitude results.</summary>
internal static class AptitudeOutcomes
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static void Write(string path, IEnumerable<AptitudeOutcome> outcomes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllLines(path, outcomes.Select(o => JsonSerializer.Serialize(o, Json)));
    }

    public static IReadOnlyList<AptitudeOutcome> Read(string path) =>
        File.ReadLines(path)
            .Select((line, index) => (line, index))
            .Where(p => !string.IsNullOrWhiteSpace(p.line))
            .Select(p =>
            {
                try
                {
                    return JsonSerializer.Deserialize<AptitudeOutcome>(p.line, Json)
                        ?? throw new InvalidDataException($"'{path}' line {p.index + 1} is empty.");
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"'{path}' line {p.index + 1} is not an aptitude outcome: {ex.Message}", ex);
                }
            })
            .ToArray();

    /// <summary>Per-task accuracy, in the order the tasks first appear.</summary>
    public static AptitudeFile ToAptitudeFile(string model, IReadOnlyList<AptitudeOutcome> outcomes, int itemsPerTask) =>
        new(model, outcomes.GroupBy(o => o.Task).ToDictionary(g => g.Key, g => Math.Round(g.Average(o => o.Score), 4)), itemsPerTask);
}
