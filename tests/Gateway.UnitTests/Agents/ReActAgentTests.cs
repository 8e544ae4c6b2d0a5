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
}
