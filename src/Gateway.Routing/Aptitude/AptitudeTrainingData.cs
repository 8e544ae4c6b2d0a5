using System.Text.Json;
using Gateway.Routing.Data;

namespace Gateway.Routing.Aptitude;

/// <summary>
/// Turns several models' aptitude runs (the <c>--outcomes</c> files of <c>aptitude run</c>, same seed) into a
/// routing data set: one record per item with the item's prompt, task and every model's score. About a fifth
/// of the items, chosen by a hash of the id, form the <c>test</c> split, the same items for every model.
/// </summary>
internal static class AptitudeTrainingData
{
    public const double TestShare = 0.2;

    /// <summary>Loads every <c>*.jsonl</c> file of <paramref name="directory"/>, one model per file.</summary>
    public static RoutingDataset Load(string directory)
    {
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"'{directory}' holds no outcome files (*.jsonl written by 'aptitude run --outcomes').");
        }

        var runs = files.Select(ReadRun).ToArray();
        var duplicate = runs.GroupBy(r => r.Model).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"'{directory}' holds more than one run of model '{duplicate.Key}'.");
        }

        return FromRuns("aptitude", runs);
    }

    public static RoutingDataset FromRuns(string name, IReadOnlyList<(string Model, IReadOnlyList<AptitudeOutcome> Outcomes)> runs)
    {
        var records = new Dictionary<string, OutcomeRecord>(StringComparer.Ordinal);
        foreach (var (model, outcomes) in runs)
        {
            foreach (var outcome in outcomes)
            {
                if (!records.TryGetValue(outcome.Id, out var record))
                {
                    record = new OutcomeRecord(outcome.Id, IsTest(outcome.Id) ? "test" : "train", outcome.Task, outcome.Prompt, []);
                    records.Add(outcome.Id, record);
                }
                else if (record.Prompt != outcome.Prompt)
                {
                    throw new InvalidDataException($"Item '{outcome.Id}' has different prompts across runs: run every model with the same seed and suite version.");
                }

                record.Scores[model] = outcome.Score;
            }
        }

        return new RoutingDataset(name, runs.Select(r => new DatasetModel(r.Model)).ToArray(), [.. records.Values]);
    }

    /// <summary>Writes the data set in the routing data format, so <c>router eval --data</c> can read it.</summary>
    public static void Save(RoutingDataset dataset, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "models.json"), JsonSerializer.Serialize(new { models = dataset.Models }));
        File.WriteAllLines(Path.Combine(directory, "outcomes.jsonl"), dataset.Outcomes.Select(o => JsonSerializer.Serialize(o)));
    }

    private static (string Model, IReadOnlyList<AptitudeOutcome> Outcomes) ReadRun(string path)
    {
        var outcomes = AptitudeOutcomes.Read(path);
        var models = outcomes.Select(o => o.Model).Where(m => !string.IsNullOrEmpty(m)).Distinct().ToArray();
        var model = models.Length switch
        {
            0 => Path.GetFileNameWithoutExtension(path),
            1 => models[0],
            _ => throw new InvalidDataException($"'{path}' mixes models ({string.Join(", ", models)}); keep one model per file."),
        };
        return (model, outcomes);
    }

    private static bool IsTest(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % 1000 < TestShare * 1000;
    }
}
