using System.Text.Json;
using Gateway.Routing.Data;

namespace Gateway.Bench.Routing;

/// <summary>
/// `validation DATA OUT`: a data set made of DATA's train split alone, a fifth of it (by a hash of the prompt id)
/// relabelled <c>test</c>, so configurations can be compared with `router train` / `router eval` without ever
/// reading the real test or ood prompts.
/// </summary>
internal static class ValidationVariant
{
    public static int Run(string dataDir, string outDir)
    {
        var dataset = RoutingDataset.Load(dataDir);
        var train = dataset.RequireSplit("train");
        Directory.CreateDirectory(outDir);
        var outcomes = train.Select(o => IsValidation(o.Id) ? o with { Split = "test" } : o).ToArray();
        File.WriteAllLines(Path.Combine(outDir, "outcomes.jsonl"), outcomes.Select(o => JsonSerializer.Serialize(o)));
        File.Copy(Path.Combine(dataDir, "models.json"), Path.Combine(outDir, "models.json"), overwrite: true);
        Console.WriteLine($"Wrote {outcomes.Count(o => o.Split == "train")} train and {outcomes.Count(o => o.Split == "test")} validation prompts to {outDir}.");
        return 0;
    }

    private static bool IsValidation(string id)
    {
        // A different hash seed from the one training holds out for epoch selection, so the two parts are independent.
        var hash = 2166136261u ^ 0x9E3779B9u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % 5 == 0;
    }
}
