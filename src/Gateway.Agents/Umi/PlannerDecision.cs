using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Agents.Umi;

/// <summary>What the planner decided at the end of its turn.</summary>
internal sealed partial record PlannerDecision(string Thought, string Next)
{
    /// <summary>
    /// Reads <c>{"thought":…,"next":…}</c> or text ending in <c>Next: caller|conclusion|give up</c>.
    /// A turn that names no decision concludes, so a confused planner costs one summary, not the iteration budget.
    /// </summary>
    public static PlannerDecision Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                var root = document.RootElement;
                var thought = root.TryGetProperty("thought", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? "" : "";
                var next = root.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? Normalize(n.GetString()) : null;
                return new PlannerDecision(thought, next ?? UmiPrompts.Conclusion);
            }
            catch (JsonException)
            {
                // Not JSON after all; read it as text.
            }
        }

        var match = NextLine().Matches(trimmed).LastOrDefault();
        var decision = match is null ? null : Normalize(match.Groups[1].Value);
        var body = match is null ? trimmed : trimmed[..match.Index].Trim();
        return new PlannerDecision(body, decision ?? UmiPrompts.Conclusion);
    }

    private static string? Normalize(string? next) => next?.Trim().ToLowerInvariant().Replace(' ', '_') switch
    {
        "caller" or "call" => UmiPrompts.Caller,
        "conclusion" or "conclude" or "finish" => UmiPrompts.Conclusion,
        "give_up" or "giveup" => UmiPrompts.GiveUp,
        _ => null,
    };

    [GeneratedRegex(@"Next\s*:\s*(caller|call|conclusion|conclude|finish|give\s*up)", RegexOptions.IgnoreCase)]
    private static partial Regex NextLine();
}
