using Gateway.Agents.Runtime;
using Gateway.TestUtilities.Agents;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Gateway.UnitTests.Agents;

/// <summary>A kind registered from outside the runtime, written against Semantic Kernel, runs like the built-in ones.</summary>
public sealed class AgentKindExtensionTests
{
    private sealed class KernelAgent : IAgentKind
    {
        public string Kind => "kernel";

        public async Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken)
        {
            var kernel = run.KernelFor("planner");
            var echo = await kernel.InvokeAsync("tools", "echo", new KernelArguments { ["input"] = run.Task }, cancellationToken);
            var chat = kernel.GetRequiredService<IChatCompletionService>();
            var reply = await chat.GetChatMessageContentAsync($"Summarize: {echo.GetValue<string>()}", cancellationToken: cancellationToken);
            return new AgentOutcome(reply.Content ?? "");
        }
    }

    [Fact]
    public async Task Run_CustomKindOnSemanticKernel_UsesRoleModelSettingsToolsAndAccounting()
    {
        var models = new ScriptedModelProvider();
        models["planner"].Respond = call => ScriptedChatClient.Text($"max {call.Options?.MaxOutputTokens}: {call.Messages[^1].Text}");
        var agent = AgentTestKit.Agent("kernel", a => a.Roles["planner"].MaxTokens = 77);

        var result = await AgentTestKit.RunAsync(agent, models, [AgentTestKit.Tool("echo", s => s.ToUpperInvariant())], task: "hello",
            extraKinds: new KernelAgent());

        Assert.Equal("max 77: Summarize: HELLO", result.Trace.Answer);
        Assert.Equal((1, 10, 5), (result.Trace.Roles["planner"].Calls, result.Trace.Roles["planner"].PromptTokens, result.Trace.Roles["planner"].CompletionTokens));
        Assert.Equal("kernel", result.Trace.Kind);
    }

    [Fact]
    public async Task Run_RoleModelThrows_RunFailsWithModelErrorNotAnException()
    {
        var models = new ScriptedModelProvider();
        models["planner"].Respond = _ => throw new HttpRequestException("connection refused");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), models, [AgentTestKit.Tool("echo", s => s)]);

        Assert.Equal("agent_model_error", result.ErrorCode);
        Assert.Contains("The planner model 'planner' failed: connection refused", result.Trace.Error);
    }

    [Fact]
    public async Task Run_ClientToolsForAKindThatCannotPause_RefusedAsTheCallersMistake()
    {
        var runner = AgentTestKit.Runner(AgentTestKit.Agent("kernel"), [], [new KernelAgent()]);
        var offer = new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]);

        var rejected = await runner.CheckClientToolsAsync(AgentTestKit.Name, offer, CancellationToken.None);
        var result = await runner.RunAsync(AgentTestKit.Name, [new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "q")],
            offer, new ScriptedModelProvider(), null, CancellationToken.None);

        Assert.Equal("client_tools_unsupported", rejected?.Code);
        Assert.Equal(("client_tools_unsupported", 400), (result.ErrorCode, result.CallerStatus));
        Assert.Null(await runner.CheckClientToolsAsync(AgentTestKit.Name, ClientToolOffer.None, CancellationToken.None));
    }

    [Fact]
    public async Task CheckClientTools_NameOfTheAgentsOwnTool_Refused()
    {
        var runner = AgentTestKit.Runner(AgentTestKit.Agent("react"), [AgentTestKit.Tool("lookup", s => s)], []);

        var clash = await runner.CheckClientToolsAsync(AgentTestKit.Name, new ClientToolOffer([AgentTestKit.ClientTool("lookup")]), CancellationToken.None);
        var fine = await runner.CheckClientToolsAsync(AgentTestKit.Name, new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]), CancellationToken.None);

        Assert.Equal("tool_name_conflict", clash?.Code);
        Assert.Contains("'lookup'", clash!.Message);
        Assert.Null(fine);
    }

    [Fact]
    public async Task Run_AgentRemovedSinceTheCallerResolvedIt_FailsAs404ModelNotFound()
    {
        var runner = AgentTestKit.Runner(AgentTestKit.Agent("react"), [], []);

        var result = await runner.RunAsync("gone", [new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hi")], new ScriptedModelProvider(), null, CancellationToken.None);
        var check = await runner.CheckClientToolsAsync("gone", new ClientToolOffer([AgentTestKit.ClientTool("get_weather")]), CancellationToken.None);

        Assert.Equal(("model_not_found", 404), (result.ErrorCode, result.CallerStatus));
        Assert.Equal(AgentRunStatus.Failed, result.Trace.Status);
        Assert.Contains("'gone'", result.Trace.Error);
        Assert.Null(check);
    }
}
