using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Agents.Runtime;

namespace Gateway.Agents.ReWoo;

/// <summary>
/// A paused plan as text, in the paper's form: each step's <c>Plan:</c> and <c>#Ek = Tool[input]</c> lines, then
/// <c>Evidence: "…"</c> (a JSON string, so any output fits on one line) for a step that has run. It is the content of
/// the answer that asks the caller to run its tools, and a resumed run reads plan and evidence back from it.
/// </summary>
internal static partial class PlanState
{
    private const string EvidencePrefix = "Evidence: ";
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"^#(E\d+) = ")]
    private static partial Regex StepLine();

    public static string Write(IReadOnlyList<PlannedStep> plan, IReadOnlyDictionary<string, string> evidence)
    {
        var text = new StringBuilder();
        foreach (var step in plan)
        {
            if (!string.IsNullOrWhiteSpace(step.Plan))
            {
                text.Append("Plan: ").Append(OneLine(step.Plan)).Append('\n');
            }

            text.Append('#').Append(step.Id).Append(" = ").Append(step.Tool).Append('[').Append(OneLine(step.Input)).Append("]\n");
            if (evidence.TryGetValue(step.Id, out var output))
            {
                text.Append(EvidencePrefix).Append(JsonSerializer.Serialize(output, Json)).Append('\n');
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Reads a plan written by <see cref="Write"/>; false when <paramref name="text"/> is not one.</summary>
    public static bool TryRead(string text, out IReadOnlyList<PlannedStep> plan, out Dictionary<string, string> evidence)
    {
        plan = [];
        evidence = new Dictionary<string, string>(StringComparer.Ordinal);
        var steps = new StringBuilder();
        string? current = null;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith(EvidencePrefix, StringComparison.Ordinal))
            {
                if (current is null || !TryString(line[EvidencePrefix.Length..], out var output))
                {
                    return false;
                }

                evidence[current] = output;
                continue;
            }

            if (StepLine().Match(line) is { Success: true } step)
            {
                current = step.Groups[1].Value;
            }

            steps.Append(line).Append('\n');
        }

        IReadOnlyList<PlannedStep> parsed;
        try
        {
            // The plan was valid when it was written; the bound is the largest any agent may set.
            parsed = PlanParser.Parse(steps.ToString(), maxSteps: 64);
        }
        catch (PlanParseException)
        {
            return false;
        }

        plan = parsed;
        return evidence.Keys.All(id => parsed.Any(s => s.Id == id));
    }

    private static bool TryString(string json, out string value)
    {
        value = "";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            value = document.RootElement.GetString() ?? "";
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
