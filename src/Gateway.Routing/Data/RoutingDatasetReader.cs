using System.Text.Json;

namespace Gateway.Routing.Data;

/// <summary>
/// Reads <c>models.json</c> and <c>outcomes.jsonl</c> strictly: every line and field is checked against the
/// format before anything trains on it, and the first problem stops the read with a
/// <see cref="RoutingDataException"/> naming file, line and field.
/// </summary>
internal static class RoutingDatasetReader
{
    /// <summary>The splits the format defines.</summary>
    public static readonly IReadOnlySet<string> Splits = new HashSet<string>(StringComparer.Ordinal) { "train", "test", "ood" };

    public static IReadOnlyList<DatasetModel> ReadModels(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new RoutingDataException(path, (int?)(ex.LineNumber + 1), null, $"not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("models", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new RoutingDataException(path, null, "models", "must be an array of models");
            }

            var models = new List<DatasetModel>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var m in list.EnumerateArray())
            {
                var at = $"models[{i++}]";
                if (m.ValueKind != JsonValueKind.Object)
                {
                    throw new RoutingDataException(path, null, at, "must be an object");
                }

                var name = RequiredString(m, "name", path, null, at + ".name");
                if (!names.Add(name))
                {
                    throw new RoutingDataException(path, null, at + ".name", $"the model '{name}' is listed twice");
                }

                models.Add(new DatasetModel(
                    name,
                    OptionalNumber(m, "params_b", path, at),
                    OptionalNumber(m, "price_per_mtok", path, at),
                    m.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null));
            }

            if (models.Count == 0)
            {
                throw new RoutingDataException(path, null, "models", "lists no model");
            }

            return models;
        }
    }

    public static IReadOnlyList<OutcomeRecord> ReadOutcomes(string path, IReadOnlyList<DatasetModel> models)
    {
        var known = models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var outcomes = new List<OutcomeRecord>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new RoutingDataException(path, lineNumber, null, $"not valid JSON: {ex.Message}", ex);
            }

            using (document)
            {
                // Repeated ids are allowed: public sets repeat prompts (routellm-2 has 105 twice).
                outcomes.Add(ReadRecord(document.RootElement, known, path, lineNumber));
            }
        }

        return outcomes;
    }

    private static OutcomeRecord ReadRecord(JsonElement root, HashSet<string> known, string path, int line)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RoutingDataException(path, line, null, "must be a JSON object");
        }

        var id = RequiredString(root, "id", path, line, "id");
        var split = RequiredString(root, "split", path, line, "split");
        if (!Splits.Contains(split))
        {
            throw new RoutingDataException(path, line, "split", $"'{split}' is not one of train, test, ood");
        }

        var task = RequiredString(root, "task", path, line, "task");
        var prompt = RequiredString(root, "prompt", path, line, "prompt", allowEmpty: true);
        if (!root.TryGetProperty("scores", out var scoresElement) || scoresElement.ValueKind != JsonValueKind.Object)
        {
            throw new RoutingDataException(path, line, "scores", "is missing or not an object of model → score");
        }

        var scores = Numbers(scoresElement, known, path, line, "scores", v => v is >= 0 and <= 1, "a number in [0, 1]");
        if (scores.Count == 0)
        {
            throw new RoutingDataException(path, line, "scores", "scores no model");
        }

        Dictionary<string, double>? costs = null;
        if (root.TryGetProperty("costs", out var costsElement) && costsElement.ValueKind != JsonValueKind.Null)
        {
            if (costsElement.ValueKind != JsonValueKind.Object)
            {
                throw new RoutingDataException(path, line, "costs", "must be an object of model → USD");
            }

            costs = Numbers(costsElement, known, path, line, "costs", v => v >= 0, "a non-negative number of US dollars");
            if (scores.Keys.FirstOrDefault(m => !costs.ContainsKey(m)) is { } uncosted)
            {
                throw new RoutingDataException(path, line, "costs." + uncosted, $"is missing: the line scores '{uncosted}' and records costs, so it must record this model's cost too");
            }
        }

        return new OutcomeRecord(id, split, task, prompt, scores, costs);
    }

    private static Dictionary<string, double> Numbers(JsonElement element, HashSet<string> known, string path, int line, string field, Func<double, bool> valid, string expected)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{field}.{property.Name}";
            if (!known.Contains(property.Name))
            {
                throw new RoutingDataException(path, line, at, $"the model '{property.Name}' is not in models.json");
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var value) || !double.IsFinite(value) || !valid(value))
            {
                throw new RoutingDataException(path, line, at, $"must be {expected}, not {property.Value.GetRawText()}");
            }

            values[property.Name] = value;
        }

        return values;
    }

    private static string RequiredString(JsonElement element, string name, string path, int? line, string field, bool allowEmpty = false)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new RoutingDataException(path, line, field, "is missing or not a string");
        }

        var text = value.GetString()!;
        return allowEmpty || text.Length > 0 ? text : throw new RoutingDataException(path, line, field, "is empty");
    }

    private static double? OptionalNumber(JsonElement element, string name, string path, string at)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) && number >= 0
            ? number
            : throw new RoutingDataException(path, null, $"{at}.{name}", $"must be a non-negative number, not {value.GetRawText()}");
    }
}
