using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Craft.Creation;

/// <summary>A solved problem tools are made from: one line <c>{"id","problem","answer"}</c> of the creation data.</summary>
public sealed record CreationProblem(string Id, string Problem, JsonNode? Answer)
{
    /// <summary>Reads JSONL; blank lines are skipped, and a bad line fails with its number.</summary>
    /// <exception cref="FormatException">A line is not a problem with an answer.</exception>
    public static IReadOnlyList<CreationProblem> ReadJsonLines(string path)
    {
        var problems = new List<CreationProblem>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject item;
            try
            {
                item = JsonNode.Parse(line) as JsonObject ?? throw new FormatException($"{path}:{number}: not a JSON object.");
            }
            catch (JsonException ex)
            {
                throw new FormatException($"{path}:{number}: {ex.Message}", ex);
            }

            var problem = item["problem"] is JsonValue p && p.GetValueKind() == JsonValueKind.String ? p.GetValue<string>() : null;
            if (string.IsNullOrWhiteSpace(problem) || !item.ContainsKey("answer"))
            {
                throw new FormatException($"{path}:{number}: needs \"problem\" (a string) and \"answer\".");
            }

            var id = item["id"]?.ToString() is { Length: > 0 } given ? given : $"line-{number}";
            problems.Add(new CreationProblem(id, problem, item["answer"]?.DeepClone()));
        }

        return problems;
    }
}
