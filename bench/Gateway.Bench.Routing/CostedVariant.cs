using System.Text.Json;
using Gateway.Routing;
using Gateway.Routing.Data;

namespace Gateway.Bench.Routing;

/// <summary>
/// `costed DATA OUT`: writes a variant of a priced data set whose outcomes carry per-call <c>costs</c> and whose
/// models.json has no <c>price_per_mtok</c>, to check cost learning on real prompts: a call costs the model's
/// price per million tokens times the prompt's token estimate plus a completion of 50 to 349 tokens, drawn from a
/// hash of the prompt id and the model (so the same on every run, and unknown to the prompt's length).
/// </summary>
internal static class CostedVariant
{
    public static int Run(string dataDir, string outDir)
    {
        var dataset = RoutingDataset.Load(dataDir);
        if (dataset.Models.Any(m => m.PricePerMTok is null))
        {
            Console.Error.WriteLine("Every model needs a price_per_mtok to derive costs from.");
            return 1;
        }

        Directory.CreateDirectory(outDir);
        var outcomes = dataset.Outcomes.Select(o => o with
        {
            Costs = o.Scores.Keys.ToDictionary(
                m => m,
                m => dataset.Models.Single(d => d.Name == m).PricePerMTok!.Value * (TokenEstimator.Estimate(o.Prompt) + CompletionTokens(o.Id, m)) / 1e6),
        });
        File.WriteAllLines(Path.Combine(outDir, "outcomes.jsonl"), outcomes.Select(o => JsonSerializer.Serialize(o)));
        var models = dataset.Models.Select(m => new { name = m.Name, params_b = m.ParamsB });
        File.WriteAllText(Path.Combine(outDir, "models.json"), JsonSerializer.Serialize(new { models }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Wrote {dataset.Outcomes.Count} outcomes with per-call costs and {dataset.Models.Count} unpriced models to {outDir}.");
        return 0;
    }

    private static int CompletionTokens(string id, string model)
    {
        var hash = 2166136261u;
        foreach (var c in id + "\n" + model)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return 50 + (int)(hash % 300);
    }
}
