using Gateway.Agents.Configuration;
using Gateway.Agents.Tools.BuiltIn;
using Microsoft.Extensions.Configuration;

namespace Gateway.UnitTests.Agents;

public sealed class BuiltInToolTests
{
    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("2 ^ 3 ^ 2", 512)]
    [InlineData("-2 ^ 2", 4)]
    [InlineData("10 % 4 + sqrt(16)", 6)]
    [InlineData("max(1, 7, 3) - min(4, 2)", 5)]
    [InlineData("round(pi, 2)", 3.14)]
    [InlineData("1_000 * 1.5e2", 150000)]
    public void Evaluate_ValidExpressions(string expression, double expected)
    {
        Assert.Equal(expected, ExpressionEvaluator.Evaluate(expression), 9);
    }

    [Theory]
    [InlineData("1 +", "ends too early")]
    [InlineData("2 * (3", "Expected ')'")]
    [InlineData("1 / 0", "Division by zero")]
    [InlineData("System.IO.File.Delete(\"x\")", "Expected '(' at position 7")]
    [InlineData("exec(1)", "Unknown function 'exec'")]
    [InlineData("3 3", "Unexpected '3'")]
    public void Evaluate_BadExpressions_SayWhy(string expression, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ExpressionEvaluator.Evaluate(expression));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Bm25_RanksTheMatchingPassageFirst()
    {
        var index = new Bm25Index();
        index.Add("a.md", "Thomas Edison was born in 1847 in Milan, Ohio.");
        index.Add("b.md", "Nikola Tesla was born in 1856 in Smiljan.");
        index.Add("c.md", "The weather in Ohio is mild in spring.");

        var hits = index.Search("When was Edison born?", 2);

        Assert.Equal("a.md", hits[0].Source);
        Assert.Equal(2, hits.Count);
        Assert.Empty(index.Search("quantum", 3));
    }

    [Fact]
    public async Task HttpGet_HostNotAllowed_Refused()
    {
        using var http = new HttpClient();
        var plugin = new HttpGetPlugin(http, HttpGetAllowList.Parse(["example.org"]), 100, TimeSpan.FromSeconds(10), TimeProvider.System);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => plugin.GetAsync("http://127.0.0.1:1/secret"));
        await Assert.ThrowsAsync<ArgumentException>(() => plugin.GetAsync("file:///etc/passwd"));
    }

    [Fact]
    public void AgentSnapshot_InvalidDefinitions_RejectedWithTheSettingNamed()
    {
        var unknownKind = Build(("Gateway:Agents:a:Kind", "magic"));
        Assert.Contains("Gateway:Agents:a:Kind 'magic'", unknownKind.Message);

        var agentAsRole = Build(("Gateway:Agents:a:Kind", "rewoo"), ("Gateway:Agents:a:Roles:planner:Model", "agent:a"));
        Assert.Contains("Roles:planner:Model", agentAsRole.Message);

        var steps = Build(("Gateway:Agents:a:Kind", "rewoo"), ("Gateway:Agents:a:Limits:MaxSteps", "0"));
        Assert.Contains("MaxSteps", steps.Message);
    }

    private static InvalidOperationException Build(params (string Key, string Value)[] settings)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return Assert.Throws<InvalidOperationException>(() => { AgentSnapshot.Build(configuration, ["rewoo", "umi", "react"]); });
    }
}
