using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Routing.Aptitude;
using Gateway.Routing.Aptitude.Tools;

namespace Gateway.Cli.Agents;

/// <summary>One model's (or agent's) numbers on one task family.</summary>
internal sealed record FamilyNumbers(string Model, string Family, int Items, double Accuracy, double? Tokens, double? TokensPerSolved, double? LatencyP50Ms, double? ToolCalls);

/// <summary>
/// Compares aptitude runs on the tool families (<c>aptitude run --outcomes</c>, one model or agent per run): per family
/// and model, accuracy, mean tokens, tokens per solved item, median latency and mean tool calls, against the reference
/// plan (its tool calls; right by construction) and a direct baseline (a model answering without tools).
/// </summary>
internal static partial class AgentReport
{
    public const string Reference = "reference plan";

    public static IReadOnlyList<FamilyNumbers> Compute(IReadOnlyList<AptitudeOutcome> outcomes)
    {
        var plans = Plans(outcomes);
        var rows = new List<FamilyNumbers>();
        foreach (var family in outcomes.GroupBy(o => o.Task).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var steps = family.Select(o => plans.GetValueOrDefault(o.Id)).Where(p => p is not null).Select(p => (double)p!.Count).ToList();
            if (steps.Count > 0)
            {
                rows.Add(new FamilyNumbers(Reference, family.Key, family.Select(o => o.Id).Distinct().Count(), 1, null, null, null, steps.Average()));
            }

            foreach (var run in family.GroupBy(o => o.Model).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var items = run.ToList();
                var solved = items.Count(o => o.Score == 1);
                var tokens = items.Where(o => o.Tokens is not null).Select(o => (double)o.Tokens!.Value).ToList();
                var latencies = items.Where(o => o.LatencyMs is not null).Select(o => o.LatencyMs!.Value).Order().ToList();
                var calls = items.Where(o => o.ToolCalls is not null).Select(o => (double)o.ToolCalls!.Value).ToList();
                rows.Add(new FamilyNumbers(run.Key, family.Key, items.Count, items.Average(o => o.Score),
                    tokens.Count > 0 ? tokens.Average() : null,
                    tokens.Count > 0 && solved > 0 ? tokens.Sum() / solved : null,
                    latencies.Count > 0 ? latencies[(latencies.Count - 1) / 2] : null,
                    calls.Count > 0 ? calls.Average() : null));
            }
        }

        return rows;
    }

    /// <summary>The table, then per model its overall accuracy and gap to <paramref name="direct"/>, and the token ratio of two agents on 3- and 4-step items.</summary>
    public static string Format(IReadOnlyList<FamilyNumbers> rows, string? direct, (string Agent, string Baseline)? ratio)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"family",-28} {"model",-22} {"items",5} {"acc",6} {"gap",6} {"tokens",8} {"tok/solved",10} {"p50 ms",8} {"tools",6}");
        var directAccuracy = rows.Where(r => r.Model == direct).ToDictionary(r => r.Family, r => r.Accuracy);
        foreach (var row in rows)
        {
            var gap = row.Model != Reference && row.Model != direct && directAccuracy.TryGetValue(row.Family, out var d) ? Num(row.Accuracy - d, "+0.00;-0.00") : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{row.Family,-28} {row.Model,-22} {row.Items,5} {Num(row.Accuracy, "0.00"),6} {gap,6} {Num(row.Tokens, "0"),8} {Num(row.TokensPerSolved, "0"),10} {Num(row.LatencyP50Ms, "0"),8} {Num(row.ToolCalls, "0.0"),6}");
        }

        text.AppendLine();
        foreach (var model in rows.Where(r => r.Model != Reference).GroupBy(r => r.Model))
        {
            var accuracy = model.Sum(r => r.Accuracy * r.Items) / model.Sum(r => r.Items);
            text.AppendLine(CultureInfo.InvariantCulture, $"{model.Key}: accuracy {accuracy:0.000} over {model.Sum(r => r.Items)} items, worst family {model.Min(r => r.Accuracy):0.00}");
        }

        if (ratio is { } pair)
        {
            var deep = rows.Where(r => Hops(r.Family) >= 3).ToList();
            double? PerSolved(string model)
            {
                var mine = deep.Where(r => r.Model == model && r.TokensPerSolved is not null).ToList();
                return mine.Count == 0 ? null : mine.Average(r => r.TokensPerSolved!.Value);
            }

            var (agent, baseline) = (PerSolved(pair.Agent), PerSolved(pair.Baseline));
            text.AppendLine(agent is null || baseline is null
                ? $"tokens per solved item on 3-4 step items: {pair.Agent} or {pair.Baseline} solved none"
                : string.Create(CultureInfo.InvariantCulture, $"tokens per solved item on 3-4 step items: {pair.Agent} {agent:0} / {pair.Baseline} {baseline:0} = {agent / baseline:0.00}"));
        }

        return text.ToString();
    }

    private static string Num(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static int Hops(string family) => HopPrefix().Match(family) is { Success: true } m ? m.Groups[1].Value[0] - '0' : 0;

    /// <summary>The reference plans of the items, regenerated from the seed and item count in their ids.</summary>
    private static Dictionary<string, IReadOnlyList<PlanStep>?> Plans(IReadOnlyList<AptitudeOutcome> outcomes)
    {
        var plans = new Dictionary<string, IReadOnlyList<PlanStep>?>(StringComparer.Ordinal);
        foreach (var seed in outcomes.Select(o => ItemId().Match(o.Id)).Where(m => m.Success).GroupBy(m => m.Groups[1].Value))
        {
            var count = seed.Max(m => int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)) + 1;
            foreach (var item in AptitudeSuite.Create(int.Parse(seed.Key, CultureInfo.InvariantCulture), count).Where(t => t.Category == "tools").SelectMany(t => t.Items))
            {
                plans[item.Id] = item.Plan;
            }
        }

        return plans;
    }

    [GeneratedRegex(@"^s(\d+)-(.+)-(\d+)$")]
    private static partial Regex ItemId();

    [GeneratedRegex(@"^hop(\d)_")]
    private static partial Regex HopPrefix();
}
