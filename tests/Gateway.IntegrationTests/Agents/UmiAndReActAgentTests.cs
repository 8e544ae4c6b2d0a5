using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.IntegrationTests.Agents;

/// <summary>Planner/caller/summarizer and ReAct through the front door, with the tiny model in the tool-calling roles.</summary>
[Collection(AgentCollection.Name)]
public sealed class UmiAndReActAgentTests(AgentGatewayFixture fixture) : IClassFixture<AgentGatewayFixture>
{
    private async Task<JsonElement> RunAsync(string agent, string input)
    {
        using var response = await fixture.Http.PostAsJsonAsync($"/v1/agents/{agent}/runs", new { input });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        return trace;
    }

    [Fact]
    public async Task Umi_ScriptedPlannerHandsOffToTinyCaller_ToolCallMatchesSchemaRefinedThenSummarized()
    {
        var trace = await RunAsync("umi-mixed", "What is 6 * 7?");

        Assert.Equal("completed", trace.GetProperty("status").GetString());
        var step = Assert.Single(trace.GetProperty("steps").EnumerateArray());
        // The caller's output is noise, but tool_choice=required makes it a well-formed call to a listed tool.
        using var call = JsonDocument.Parse(step.GetProperty("input").GetString()!);
        Assert.Contains(call.RootElement.GetProperty("name").GetString(), new[] { "calculator", "search" });
        Assert.Equal(JsonValueKind.Object, call.RootElement.GetProperty("arguments").ValueKind);
        Assert.Contains(step.GetProperty("status").GetString(), new[] { "ok", "error" });

        var turns = trace.GetProperty("turns").EnumerateArray().Select(t => (t.GetProperty("role").GetString(), t.GetProperty("next").GetString())).ToList();
        Assert.Equal(("planner", "caller"), turns[0]);
        Assert.Contains(turns, t => t.Item1 == "refine");
        Assert.Equal(("planner", "conclusion"), turns.Last(t => t.Item1 == "planner"));
        var roles = trace.GetProperty("roles");
        Assert.Equal("scripted-umi-planner", roles.GetProperty("planner").GetProperty("models")[0].GetString());
        Assert.Equal("tiny", roles.GetProperty("caller").GetProperty("models")[0].GetString());
        Assert.InRange(roles.GetProperty("caller").GetProperty("calls").GetInt32(), 2, 3);
        Assert.Equal(1, roles.GetProperty("summarizer").GetProperty("calls").GetInt32());
        Assert.True(roles.GetProperty("summarizer").GetProperty("prompt_tokens").GetInt64() > 50);
    }

    [Fact]
    public async Task Umi_TinyModelInEveryRole_DecisionsParseUnderGrammarAndRunEnds()
    {
        var trace = await RunAsync("umi-tiny", "What is 6 * 7?");

        Assert.Contains(trace.GetProperty("status").GetString(), new[] { "completed", "gave_up", "limit_reached" });
        var planner = trace.GetProperty("turns").EnumerateArray().Where(t => t.GetProperty("role").GetString() == "planner").ToList();
        Assert.InRange(planner.Count, 1, 2);
        Assert.All(planner, t => Assert.Contains(t.GetProperty("next").GetString(), new[] { "caller", "conclusion", "give_up" }));
        Assert.Equal(1, trace.GetProperty("roles").GetProperty("summarizer").GetProperty("calls").GetInt32());
    }

    [Fact]
    public async Task ReAct_TinyModel_LoopEndsWithAnAnswerAndCountsEveryTurn()
    {
        var trace = await RunAsync("react-tiny", "What time is it?");

        Assert.Contains(trace.GetProperty("status").GetString(), new[] { "completed", "limit_reached" });
        var actor = trace.GetProperty("roles").GetProperty("actor");
        Assert.InRange(actor.GetProperty("calls").GetInt32(), 1, 3);
        Assert.True(actor.GetProperty("prompt_tokens").GetInt64() > 50);
        Assert.All(trace.GetProperty("steps").EnumerateArray(), s => Assert.Contains(s.GetProperty("tool").GetString(), new[] { "calculator", "clock" }));
    }
}
