using System.Text.Json.Serialization;

namespace Gateway.Routing.Data;

/// <summary>One prompt of a routing data set with each model's score (and real cost where recorded).</summary>
internal sealed record OutcomeRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("scores")] Dictionary<string, double> Scores,
    [property: JsonPropertyName("costs")] Dictionary<string, double>? Costs = null);

/// <summary>A model of a routing data set, as <c>models.json</c> lists it.</summary>
internal sealed record DatasetModel(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("params_b")] double? ParamsB = null,
    [property: JsonPropertyName("price_per_mtok")] double? PricePerMTok = null,
    [property: JsonPropertyName("role")] string? Role = null)
{
    /// <summary>
    /// The price used for routing and evaluation. Data without prices (a weak/strong pair) gets a relative
    /// price: 1 for the strong model and 0 for the others, so the cost axis counts calls to the strong model.
    /// </summary>
    public double EffectivePrice => PricePerMTok ?? (Role == "strong" ? 1.0 : 0.0);
}

/// <summary>A routing data set folder: <c>outcomes.jsonl</c> and <c>models.json</c>.</summary>
internal sealed record RoutingDataset(string Name, IReadOnlyList<DatasetModel> Models, IReadOnlyList<OutcomeRecord> Outcomes)
{
    public IReadOnlyList<string> ModelNames => Models.Select(m => m.Name).ToArray();

    /// <summary>The outcomes file the data was read from, for messages; null for data built in memory.</summary>
    public string? OutcomesPath { get; init; }

    public IReadOnlyList<OutcomeRecord> Split(string split) => Outcomes.Where(o => o.Split == split).ToArray();

    /// <summary>The split's records; a split with none is an error that names the file and the split.</summary>
    public IReadOnlyList<OutcomeRecord> RequireSplit(string split)
    {
        var records = Split(split);
        return records.Count > 0
            ? records
            : throw new RoutingDataException(OutcomesPath ?? Name, null, "split", $"no line has split '{split}'");
    }

    /// <summary>Reads a data set folder; throws <see cref="RoutingDataException"/> at the first line or field that breaks the format.</summary>
    public static RoutingDataset Load(string directory)
    {
        var modelsPath = Path.Combine(directory, "models.json");
        var outcomesPath = Path.Combine(directory, "outcomes.jsonl");
        foreach (var path in new[] { modelsPath, outcomesPath })
        {
            if (!File.Exists(path))
            {
                throw new RoutingDataException(path, null, null, "does not exist: a routing data folder holds models.json and outcomes.jsonl");
            }
        }

        var models = RoutingDatasetReader.ReadModels(modelsPath);
        var outcomes = RoutingDatasetReader.ReadOutcomes(outcomesPath, models);
        return new RoutingDataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), models, outcomes) { OutcomesPath = outcomesPath };
    }
}
