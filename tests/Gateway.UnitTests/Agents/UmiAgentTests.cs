using Gateway.Agents.Runtime;
using Gateway.Agents.Umi;
using Gateway.TestUtilities.Agents;
using Microsoft.Extensions.AI;

namespace Gateway.UnitTests.Agents;

public sealed class UmiAgentTests
{
    private readonly ScriptedModelProvider _models = new();
    private readonly Microsoft.SemanticKernel.KernelFunction _add = AgentTestKit.Tool("add", s => $"sum of {s}");

    private static ChatResponse Decide(string next, string thought = "think") => ScriptedChatClient.Text($$"""{"thought":"{{thought}}","next":"{{next}}"}""");

    private static ChatResponse Call(string input) => ScriptedChatClient.ToolCall("add", new Dictionary<string, object?> { ["input"] = input });

    [Fact]
    public async Task Run_PlannerCallerSummarizer_HandOffInOrderAndObservationReachesPlanner()
    {
        var turns = 0;
        _models["planner"].Respond = _ => Decide(++turns == 1 ? "caller" : "conclusion", turns == 1 ? "add 2 and 3" : "done");
        _models["caller"].Respond = _ => Call("2,3");
        _models["summarizer"].Respond = _ => ScriptedChatClient.Text("5");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi"), _models, [_add]);

        Assert.Equal(["planner", "caller", "planner", "summarizer"], _models.Calls.Select(c => c.Model));
        var caller = _models.Calls.Single(c => c.Model == "caller");
        Assert.Equal(ChatToolMode.RequireAny, caller.Options!.ToolMode);
        Assert.Equal("add", Assert.Single(caller.Options.Tools!).Name);
        Assert.Contains("Planner's instruction: add 2 and 3", caller.Messages[^1].Text);
        Assert.Contains("Observation 1: sum of 2,3", _models.Calls.Where(c => c.Model == "planner").Last().Messages[^1].Text);
        Assert.Contains("Observation 1: sum of 2,3", _models.Calls.Last().Messages[^1].Text);
        Assert.Equal(("5", AgentRunStatus.Completed), (result.Trace.Answer, result.Trace.Status));
        Assert.Equal("{\"name\":\"add\",\"arguments\":{\"input\":\"2,3\"}}", result.Trace.Steps[0].Input);
        Assert.Equal(["planner", "planner", "summarizer"], result.Trace.Turns.Select(t => t.Role));
        Assert.IsType<ChatResponseFormatJson>(_models.Calls.First().Options!.ResponseFormat);
    }

    [Fact]
    public async Task Run_PlannerGivesUp_SummarizerExplainsAndStatusGaveUp()
    {
        _models["planner"].Respond = _ => ScriptedChatClient.Text("No tool can do this.\nNext: give up");
        _models["summarizer"].Respond = _ => ScriptedChatClient.Text("cannot");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi", a => a.PlanFormat = "text"), _models, [_add]);

        Assert.Equal(["planner", "summarizer"], _models.Calls.Select(c => c.Model));
        Assert.Equal(AgentRunStatus.GaveUp, result.Trace.Status);
        Assert.Contains("The planner gave up", _models.Calls.Last().Messages[^1].Text);
        Assert.Null(_models.Calls.First().Options!.ResponseFormat);
    }

    [Fact]
    public async Task Run_PlannerNeverConcludes_IterationCapThenSummary()
    {
        _models["planner"].Respond = _ => Decide("caller");
        _models["caller"].Respond = _ => Call("1");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi", a => a.Limits.MaxIterations = 3), _models, [_add]);

        Assert.Equal(3, _models.Calls.Count(c => c.Model == "planner"));
        Assert.Equal(3, _models.Calls.Count(c => c.Model == "caller"));
        Assert.Equal("summarizer", _models.Calls.Last().Model);
        Assert.Equal(AgentRunStatus.LimitReached, result.Trace.Status);
        Assert.Equal(["T1", "T2", "T3"], result.Trace.Steps.Select(s => s.Id));
    }

    [Fact]
    public async Task Run_Refinement_StopsWhenTheCanonicalCallRepeats()
    {
        var turns = 0;
        _models["planner"].Respond = _ => Decide(++turns == 1 ? "caller" : "conclusion");
        var answers = new Queue<ChatResponse>([Call("1+1"), Call("2"), Call("2"), Call("never asked")]);
        _models["caller"].Respond = _ => answers.Dequeue();

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi", a => a.RefineRounds = 5), _models, [_add]);

        Assert.Equal(3, _models.Calls.Count(c => c.Model == "caller"));
        Assert.Equal(["changed", "unchanged"], result.Trace.Turns.Where(t => t.Role == "refine").Select(t => t.Next));
        Assert.Equal("sum of 2", result.Trace.Steps.Single().Output);
        Assert.Contains("Your tool call was: {\"name\":\"add\",\"arguments\":{\"input\":\"2\"}}", _models.Calls.Where(c => c.Model == "caller").Last().Messages[^1].Text);
    }

    [Fact]
    public async Task Run_Refinement_CapStopsAFlipFloppingCaller()
    {
        var turns = 0;
        var calls = 0;
        _models["planner"].Respond = _ => Decide(++turns == 1 ? "caller" : "conclusion");
        _models["caller"].Respond = _ => Call((++calls).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi", a => a.RefineRounds = 2), _models, [_add]);

        Assert.Equal(3, calls);
        Assert.Equal("sum of 3", result.Trace.Steps.Single().Output);
    }

    private static ChatResponse Weather() => ScriptedChatClient.ToolCall("get_weather", new Dictionary<string, object?> { ["city"] = "Paris" });

    [Fact]
    public async Task Run_CallerChoosesClientTool_ServerCallRunsThenRunPausesWithHistoryAsContent()
    {
        var turns = 0;
        _models["planner"].Respond = _ => Decide("caller", ++turns == 1 ? "add 2 and 3" : "ask for the weather in Paris");
        _models["caller"].Respond = _ => turns == 1 ? Call("2,3") : Weather();

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi"), _models, [_add], [new ChatMessage(ChatRole.User, "weather?")],
            new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]));

        Assert.Equal(AgentRunStatus.AwaitingClient, result.Trace.Status);
        var call = Assert.Single(result.Trace.ToolCalls!);
        Assert.StartsWith("call_T2_", call.Id);
        Assert.Equal(("get_weather", "{\"city\":\"Paris\"}", "T2"), (call.Name, call.Arguments, call.Step));
        Assert.Equal([("add", "ok"), ("get_weather", "client")], result.Trace.Steps.Select(s => (s.Tool, s.Status)));
        Assert.Contains("Observation 1: sum of 2,3", result.Trace.Answer);
        Assert.EndsWith("Thought 2: ask for the weather in Paris", result.Trace.Answer);
        Assert.Equal(["add", "get_weather"], _models.Calls.First(c => c.Model == "caller").Options!.Tools!.Select(t => t.Name));
        Assert.DoesNotContain(_models.Calls, c => c.Model == "summarizer");
    }

    [Fact]
    public async Task Run_Resumed_ClientResultIsTheObservationPlannerAndSummarizerRead()
    {
        _models["planner"].Respond = call => call.Messages[^1].Text.Contains("Observation 1:", StringComparison.Ordinal)
            ? Decide("conclusion", "the weather is known")
            : Decide("caller", "ask for the weather in Paris");
        _models["caller"].Respond = _ => Weather();
        _models["summarizer"].Respond = call => ScriptedChatClient.Text(call.Messages[^1].Text);
        var offer = new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]);
        var paused = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi"), _models, [_add], [new ChatMessage(ChatRole.User, "weather?")], offer);
        var before = _models.Calls.Count;

        var resumed = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi"), _models, [_add], AgentTestKit.Resume("weather?", paused.Trace, "21 C"), offer);

        Assert.Equal(AgentRunStatus.Completed, resumed.Trace.Status);
        Assert.Equal(["planner", "summarizer"], _models.Calls.Skip(before).Select(c => c.Model));
        var planner = _models.Calls.Skip(before).First().Messages[^1].Text;
        Assert.Contains("Thought 1: ask for the weather in Paris\nAction 1: {\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}\nObservation 1: 21 C", planner);
        Assert.Contains("Observation 1: 21 C\nThought 2: the weather is known", resumed.Trace.Answer);
    }

    [Fact]
    public async Task Run_OnlyClientTools_PlannerStillHandsOffToTheCaller()
    {
        _models["planner"].Respond = _ => Decide("caller", "ask for the weather");
        _models["caller"].Respond = _ => Weather();

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("umi"), _models, [], [new ChatMessage(ChatRole.User, "weather?")],
            new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]));

        Assert.Equal(AgentRunStatus.AwaitingClient, result.Trace.Status);
        Assert.Contains("get_weather[city]: The caller's get_weather tool", _models.Calls.First().Messages[0].Text);
    }

    [Fact]
    public void ToolCalls_Canonical_KeyOrderAndWhitespaceDoNotMatter()
    {
        var a = new FunctionCallContent("1", "f", new Dictionary<string, object?> { ["b"] = 1, ["a"] = System.Text.Json.JsonDocument.Parse("{\"y\": 2, \"x\": [1, {\"d\":1,\"c\":2}]}").RootElement });
        var b = new FunctionCallContent("2", "f", new Dictionary<string, object?> { ["a"] = System.Text.Json.JsonDocument.Parse("{\"x\":[1,{\"c\":2,\"d\":1}],\"y\":2}").RootElement, ["b"] = 1 });

        Assert.Equal(ToolCalls.Canonical(a), ToolCalls.Canonical(b));
        Assert.Equal("{\"name\":\"f\",\"arguments\":{\"a\":{\"x\":[1,{\"c\":2,\"d\":1}],\"y\":2},\"b\":1}}", ToolCalls.Canonical(a));
    }

    [Theory]
    [InlineData("{\"thought\":\"t\",\"next\":\"caller\"}", "t", "caller")]
    [InlineData("I need the weather.\nNext: caller", "I need the weather.", "caller")]
    [InlineData("We are done. Next: Conclusion", "We are done.", "conclusion")]
    [InlineData("Hopeless.\nNext: give up", "Hopeless.", "give_up")]
    [InlineData("no decision here", "no decision here", "conclusion")]
    public void PlannerDecision_Parse_JsonAndText(string text, string thought, string next)
    {
        var decision = PlannerDecision.Parse(text);

        Assert.Equal((thought, next), (decision.Thought, decision.Next));
    }
}
