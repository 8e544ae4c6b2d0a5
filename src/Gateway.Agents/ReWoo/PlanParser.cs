using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Agents.Runtime;

namespace Gateway.Agents.ReWoo;

/// <summary>A plan that cannot be executed, with a message saying why.</summary>
internal sealed class PlanParseException(string message) : Exception(message);

/// <summary>
/// Parses a ReWOO plan in either form: the structured JSON
/// <c>{"steps":[{"id":"E1","tool":"search","input":"...","plan":"..."}]}</c> (ids optional: the k-th step is <c>Ek</c>)
/// or the paper's text <c>Plan: … \n #E1 = Tool[input]</c>. Inputs refer to earlier evidence as <c>#En</c>
/// (<c>#E1</c> never matches inside <c>#E12</c>). The result is validated: unique ids, references to
/// defined steps only, no cycles, at most the step limit.
/// </summary>
internal static partial class PlanParser
{
    [GeneratedRegex(@"#E(\d+)(?!\d)")]
    public static partial Regex Reference();

    [GeneratedRegex(@"^\s*#?E(\d+)\s*[:=]\s*([A-Za-z_][\w\-\.]*)\s*\[(.*)\]\s*$")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^\s*(?:\d+\.\s*)?Plan\s*\d*\s*:\s*(.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex PlanLine();

    public static IReadOnlyList<PlannedStep> Parse(string text, int maxSteps)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = StripFence(text.Trim());
        var json = body.StartsWith('{') || body.StartsWith('[');
        var steps = json ? ParseJson(body) : ParseText(body);
        return Validate(steps, maxSteps, json);
    }

    /// <summary>The ids an input refers to, in order of first mention.</summary>
    public static IReadOnlyList<string> References(string input) =>
        [.. Reference().Matches(input).Select(m => "E" + int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)).Distinct()];

    /// <summary>Replaces every <c>#En</c> in <paramref name="input"/> with that step's evidence.</summary>
    public static string Substitute(string input, IReadOnlyDictionary<string, string> evidence) =>
        Reference().Replace(input, m =>
        {
            var id = "E" + int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            return evidence.TryGetValue(id, out var value) ? value : m.Value;
        });

    private static List<(string? Id, string Tool, string Input, string Plan)> ParseJson(string body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PlanParseException($"The plan is not valid JSON: {ex.Message}");
        }

        var array = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("steps", out var s) && s.ValueKind == JsonValueKind.Array ? s
            : throw new PlanParseException("The plan must be a JSON object with a 'steps' array.");
        var steps = new List<(string?, string, string, string)>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new PlanParseException($"Step {index} of the plan is not an object.");
            }

            var tool = Text(item, "tool") ?? throw new PlanParseException($"Step {index} of the plan has no 'tool'.");
            steps.Add((Text(item, "id"), tool, Text(item, "input") ?? "", Text(item, "plan") ?? ""));
        }

        return steps;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        } : null;

    private static List<(string? Id, string Tool, string Input, string Plan)> ParseText(string body)
    {
        var steps = new List<(string?, string, string, string)>();
        var plan = new StringBuilder();
        foreach (var line in body.ReplaceLineEndings("\n").Split('\n'))
        {
            if (StepLine().Match(line) is { Success: true } step)
            {
                var input = step.Groups[3].Value.Trim();
                steps.Add(("E" + step.Groups[1].Value, step.Groups[2].Value, input, plan.ToString().Trim()));
                plan.Clear();
            }
            else if (PlanLine().Match(line) is { Success: true } thought)
            {
                plan.Clear().Append(thought.Groups[1].Value);
            }
            else if (plan.Length > 0 && !string.IsNullOrWhiteSpace(line))
            {
                plan.Append(' ').Append(line.Trim());
            }
        }

        if (steps.Count == 0)
        {
            throw new PlanParseException("The plan has no steps: expected lines like '#E1 = Tool[input]' or a JSON object {\"steps\":[…]}.");
        }

        return steps;
    }

    private static List<PlannedStep> Validate(List<(string? Id, string Tool, string Input, string Plan)> raw, int maxSteps, bool json)
    {
        if (raw.Count == 0)
        {
            throw new PlanParseException("The plan has no steps.");
        }

        if (raw.Count > maxSteps)
        {
            throw new PlanParseException($"The plan has {raw.Count} steps; the limit is {maxSteps}.");
        }

        var ids = json ? JsonIds(raw) : TextIds(raw);

        var steps = new List<PlannedStep>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var references = References(raw[i].Input);
            foreach (var reference in references)
            {
                if (!ids.Contains(reference))
                {
                    throw new PlanParseException($"Step {ids[i]} refers to #{reference}, which the plan does not define.");
                }

                if (reference == ids[i])
                {
                    throw new PlanParseException($"Step {ids[i]} refers to its own evidence.");
                }
            }

            steps.Add(new PlannedStep(ids[i], raw[i].Tool.Trim(), raw[i].Input, raw[i].Plan, references));
        }

        ThrowOnCycle(steps);
        return steps;
    }

    private static List<string> TextIds(List<(string? Id, string Tool, string Input, string Plan)> raw)
    {
        var ids = new List<string>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var id = NormalizeId(raw[i].Id, i);
            if (ids.Contains(id))
            {
                throw new PlanParseException($"The plan defines #{id} twice.");
            }

            ids.Add(id);
        }

        return ids;
    }

    /// <summary>
    /// The structured form's ids when they are a unique set of E-numbers; otherwise (absent,
    /// repeated, malformed) the k-th step is Ek, as the planner prompt says.
    /// </summary>
    private static List<string> JsonIds(List<(string? Id, string Tool, string Input, string Plan)> raw)
    {
        try
        {
            var ids = TextIds(raw);
            if (raw.All(s => !string.IsNullOrWhiteSpace(s.Id)))
            {
                return ids;
            }
        }
        catch (PlanParseException)
        {
        }

        return [.. Enumerable.Range(1, raw.Count).Select(i => $"E{i}")];
    }

    private static string NormalizeId(string? id, int index)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return $"E{index + 1}";
        }

        var trimmed = id.Trim().TrimStart('#');
        return trimmed.Length > 1 && trimmed[0] is 'E' or 'e' && int.TryParse(trimmed.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? $"E{n}"
            : throw new PlanParseException($"Step {index + 1} has the id '{id}'; ids look like E1, E2, … E12.");
    }

    private static void ThrowOnCycle(List<PlannedStep> steps)
    {
        var byId = steps.ToDictionary(s => s.Id);
        var state = new Dictionary<string, int>();
        foreach (var step in steps)
        {
            Visit(step.Id);
        }

        void Visit(string id)
        {
            switch (state.GetValueOrDefault(id))
            {
                case 1: throw new PlanParseException($"The plan's steps depend on each other in a cycle through {id}.");
                case 2: return;
            }

            state[id] = 1;
            foreach (var dependency in byId[id].DependsOn)
            {
                Visit(dependency);
            }

            state[id] = 2;
        }
    }

    private static string StripFence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstNewline = text.IndexOf('\n', StringComparison.Ordinal);
        var end = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstNewline > 0 && end > firstNewline ? text[(firstNewline + 1)..end].Trim() : text;
    }
}
