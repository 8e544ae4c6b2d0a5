using System.Text.Json;
using Gateway.Routing.Data;

namespace Gateway.UnitTests.Routing;

/// <summary>
/// A small routing data set with two clearly different tasks: arithmetic prompts that "math-model" answers and
/// poem prompts that "poet-model" answers; "generalist" is mediocre at both.
/// </summary>
internal static class SyntheticRoutingData
{
    public static readonly IReadOnlyList<DatasetModel> Models =
    [
        new("math-model", 7, 0.2),
        new("poet-model", 7, 0.2),
        new("generalist", 70, 0.9),
    ];

    private static readonly string[] Subjects = ["the sea", "autumn", "a city at night", "an old dog", "rain", "the moon", "a train", "bread", "winter", "a garden"];

    public static string MathPrompt(int i) => $"Compute {(i * 7) + 3} plus {(i * 13) + 5} and then multiply the sum by {(i % 9) + 2}. Give only the number.";

    public static string PoemPrompt(int i) => $"Write a short rhyming poem about {Subjects[i % Subjects.Length]} in the style of verse number {i}, with vivid imagery.";

    public static RoutingDataset Create(int perTask = 60)
    {
        var outcomes = new List<OutcomeRecord>();
        for (var i = 0; i < perTask; i++)
        {
            var split = i % 5 == 0 ? "test" : "train";
            outcomes.Add(Record($"m{i}", split, "math", MathPrompt(i), 1, 0, i % 2));
            outcomes.Add(Record($"p{i}", split, "poem", PoemPrompt(i), 0, 1, (i + 1) % 2));
        }

        return new RoutingDataset("synthetic", Models, outcomes);
    }

    public static string WriteTo(string directory, RoutingDataset dataset)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllLines(Path.Combine(directory, "outcomes.jsonl"), dataset.Outcomes.Select(o => JsonSerializer.Serialize(o)));
        File.WriteAllText(Path.Combine(directory, "models.json"), JsonSerializer.Serialize(new { models = dataset.Models }));
        return directory;
    }

    private static OutcomeRecord Record(string id, string split, string task, string prompt, double math, double poet, double generalist) =>
        new(id, split, task, prompt, new Dictionary<string, double> { ["math-model"] = math, ["poet-model"] = poet, ["generalist"] = generalist });
}
