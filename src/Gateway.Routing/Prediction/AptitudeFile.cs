using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Routing.Prediction;

/// <summary>
/// A model's aptitude results: per-task accuracy on the aptitude test, the input of <c>router onboard</c>.
/// <code>{"model": "name", "items_per_task": 20, "tasks": {"gsm8k": 0.65, "mmlu": 0.5}}</code>
/// </summary>
internal sealed record AptitudeFile(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("tasks")] Dictionary<string, double> Tasks,
    [property: JsonPropertyName("items_per_task")] int? ItemsPerTask = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static AptitudeFile Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<AptitudeFile>(File.ReadAllBytes(path))
                ?? throw new InvalidDataException($"'{path}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid aptitude file: {ex.Message}", ex);
        }
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, Json));
    }

    /// <summary>The vector in the router's task order; every router task must be present.</summary>
    public float[] ToVector(IReadOnlyList<string> tasks)
    {
        var missing = tasks.Where(t => !Tasks.ContainsKey(t)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"Aptitude results for '{Model}' lack the router's tasks: {string.Join(", ", missing)}.");
        }

        return tasks.Select(t => (float)Math.Clamp(Tasks[t], 0, 1)).ToArray();
    }

    public static AptitudeFile FromVector(string model, IReadOnlyList<string> tasks, float[] vector, int itemsPerTask) =>
        new(model, tasks.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => Math.Round((double)vector[p.i], 4)), itemsPerTask);
}
