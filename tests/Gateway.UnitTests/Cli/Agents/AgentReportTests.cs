using Gateway.Cli.Agents;
using Gateway.Routing.Aptitude;

namespace Gateway.UnitTests.Cli.Agents;

public sealed class AgentReportTests
{
    private static readonly AptitudeItem[] Items = [.. AptitudeSuite.Create(seed: 21, itemsPerTask: 2)
        .Where(t => t.Name is "hop2_gcd_prime" or "hop3_lcm_digits_prime").SelectMany(t => t.Items)];

    private static AptitudeOutcome Outcome(string model, AptitudeItem item, bool right, long? tokens, double latency, int? tools) =>
        AptitudeOutcome.Scored(model, item, right ? "Answer: " + item.Expected : "Answer: maybe") with { Tokens = tokens, LatencyMs = latency, ToolCalls = tools };

    [Fact]
    public void Compute_PerFamilyAndModel_AccuracyTokensPerSolvedMedianLatencyToolCallsAndTheReferencePlan()
    {
        var outcomes = Items.SelectMany((item, i) => new[]
        {
            Outcome("agent:rewoo", item, right: true, tokens: 100, latency: 10 * (i + 1), tools: item.Plan!.Count),
            Outcome("agent:react", item, right: i % 2 == 0, tokens: 300, latency: 50, tools: 5),
            Outcome("auto", item, right: false, tokens: null, latency: 5, tools: null),
        }).ToList();

        var rows = AgentReport.Compute(outcomes);

        var deep = rows.Where(r => r.Family == "hop3_lcm_digits_prime").ToDictionary(r => r.Model);
        Assert.Equal((1.0, 3.0), (deep[AgentReport.Reference].Accuracy, deep[AgentReport.Reference].ToolCalls!.Value));
        Assert.Equal((1.0, 100.0, 100.0, 30.0, 3.0), (deep["agent:rewoo"].Accuracy, deep["agent:rewoo"].Tokens!.Value, deep["agent:rewoo"].TokensPerSolved!.Value, deep["agent:rewoo"].LatencyP50Ms!.Value, deep["agent:rewoo"].ToolCalls!.Value));
        Assert.Equal((0.5, 600.0), (deep["agent:react"].Accuracy, deep["agent:react"].TokensPerSolved!.Value));
        Assert.Equal((0.0, null, null), (deep["auto"].Accuracy, deep["auto"].Tokens, deep["auto"].TokensPerSolved));

        var text = AgentReport.Format(rows, "auto", ("agent:rewoo", "agent:react"));
        Assert.Contains("tokens per solved item on 3-4 step items: agent:rewoo 100 / agent:react 600 = 0.17", text, StringComparison.Ordinal);
        Assert.Matches(@"hop3_lcm_digits_prime\s+agent:rewoo\s+2\s+1\.00\s+\+1\.00", text);
    }
}
