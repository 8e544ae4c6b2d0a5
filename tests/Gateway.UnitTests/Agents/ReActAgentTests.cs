using Gateway.Agents.Runtime;
using Gateway.TestUtilities.Agents;
using Microsoft.Extensions.AI;

namespace Gateway.UnitTests.Agents;

public sealed class ReActAgentTests
{
    private readonly ScriptedModelProvider _models = new();

    [Fact]
    public async Task Run_ToolCallThenAnswer_ObservationIsAToolMessageInTheNextTurn()
    {
        var turn = 0;
        _models["actor"].Respond = _ => ++turn == 1
            ? ScriptedChatClient.ToolCall("lookup", new Dictionary<string, object?> { ["input"] = "x" }, "call_9")
            : ScriptedChatClient.Text("final");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("react"), _models, [AgentTestKit.Tool("lookup", s => $"found {s}")]);

        Assert.Equal(("final", AgentRunStatus.Completed), (result.Trace.Answer, result.Trace.Status));
        var second = _models.Calls.Last();
        var observation = second.Messages[^1].Contents.OfType<FunctionResultContent>().Single();
        Assert.Equal(("call_9", "found x"), (observation.CallId, observation.Result));
        Assert.Equal(ChatToolMode.Auto, second.Options!.ToolMode);
        Assert.Equal(("lookup", "ok"), (result.Trace.Steps[0].Tool, result.Trace.Steps[0].Status));
    }

    [Fact]
    public async Task Run_AlwaysCallsTools_CapThenAskedForAnAnswerWithoutTools()
    {
        _models["actor"].Respond = call => call.Options?.Tools is { Count: > 0 }
            ? ScriptedChatClient.ToolCall("lookup", new Dictionary<string, object?> { ["input"] = "x" })
            : ScriptedChatClient.Text("best guess");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("react", a => a.Limits.MaxIterations = 2), _models, [AgentTestKit.Tool("lookup", s => s)]);

        Assert.Equal(3, _models.Calls.Count);
        Assert.Equal(("best guess", AgentRunStatus.LimitReached), (result.Trace.Answer, result.Trace.Status));
    }

    private static readonly Dictionary<string, object?> Paris = new() { ["city"] = "Paris" };

    [Fact]
    public async Task Run_ActorCallsClientTool_ServerToolRunsThenRunPausesWithTheCall()
    {
        var turn = 0;
        _models["actor"].Respond = _ => ++turn == 1
            ? ScriptedChatClient.ToolCall("lookup", new Dictionary<string, object?> { ["input"] = "x" }, "call_1")
            : ScriptedChatClient.ToolCall("get_weather", Paris, "call_w");
        var events = new RecordingEventSink();

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("react"), _models, [AgentTestKit.Tool("lookup", s => $"found {s}")],
            [new ChatMessage(ChatRole.User, "weather?")], new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]), events);

        Assert.Equal(AgentRunStatus.AwaitingClient, result.Trace.Status);
        var call = Assert.Single(result.Trace.ToolCalls!);
        Assert.Equal(("call_w", "get_weather", "{\"city\":\"Paris\"}", "T2"), (call.Id, call.Name, call.Arguments, call.Step));
        Assert.Equal([("lookup", "ok"), ("get_weather", "client")], result.Trace.Steps.Select(s => (s.Tool, s.Status)));
        // The server tool's observation travels in the paused answer's content, which the caller sends back.
        Assert.Contains("Observation: found x", result.Trace.Answer);
        Assert.Equal(["lookup", "get_weather"], _models.Calls.First().Options!.Tools!.Select(t => t.Name));
        Assert.Equal("client_tool_call", events.Events[^1].Type);
    }

    [Fact]
    public async Task Run_ResumedWithClientResult_ActorReadsItAsAFunctionResultAndAnswers()
    {
        _models["actor"].Respond = _ => ScriptedChatClient.ToolCall("get_weather", Paris, "call_w");
        var offer = new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]);
        var paused = await AgentTestKit.RunAsync(AgentTestKit.Agent("react"), _models, [], [new ChatMessage(ChatRole.User, "weather?")], offer);
        _models["actor"].Respond = call => call.Messages[^1].Contents.OfType<FunctionResultContent>().SingleOrDefault() is { } result
            ? ScriptedChatClient.Text($"It is {result.Result}.")
            : ScriptedChatClient.Text("no result seen");

        var resumed = await AgentTestKit.RunAsync(AgentTestKit.Agent("react"), _models, [], AgentTestKit.Resume("weather?", paused.Trace, "21 C"), offer);

        Assert.Equal(("It is 21 C.", AgentRunStatus.Completed), (resumed.Trace.Answer, resumed.Trace.Status));
        var conversation = _models.Calls.Last().Messages;
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool], conversation.Select(m => m.Role));
        var asked = conversation[2].Contents.OfType<FunctionCallContent>().Single();
        Assert.Equal(("call_w", "get_weather"), (asked.CallId, asked.Name));
        Assert.Null(resumed.Trace.ToolCalls);
    }

    [Fact]
    public async Task Run_NoClientTools_OnlyTheAgentsToolsAreDeclared()
    {
        _models["actor"].Respond = _ => ScriptedChatClient.Text("done");

        await AgentTestKit.RunAsync(AgentTestKit.Agent("react"), _models, [AgentTestKit.Tool("lookup", s => s)], [new ChatMessage(ChatRole.User, "q")], ClientToolOffer.None);

        Assert.Equal(["lookup"], _models.Calls.Single().Options!.Tools!.Select(t => t.Name));
        Assert.Null(_models.Calls.Single().Options!.AllowMultipleToolCalls);
    }

    [Fact]
    public async Task Run_ParallelCallsOff_ActorAskedForOneCallAtATime()
    {
        _models["actor"].Respond = _ => ScriptedChatClient.Text("done");

        await AgentTestKit.RunAsync(AgentTestKit.Agent("react"), _models, [], [new ChatMessage(ChatRole.User, "q")],
            new ClientToolOffer([AgentTestKit.ClientTool("get_weather")], ParallelCalls: false));

        Assert.False(_models.Calls.Single().Options!.AllowMultipleToolCalls);
    }
}
