using System.Text.Json;
using Gateway.Cli;
using Gateway.Craft;
using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Embeddings;
using Gateway.IntegrationTests.Inference;
using Gateway.IntegrationTests.Routing;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Craft;

/// <summary>
/// <c>toolset create</c> end to end: the verb's OpenAI client calls a real gateway on Kestrel, whose pool serves the
/// project's tiny random-weight GGUF from a real Gateway.ModelServer. The model's text is noise, so nothing verifies:
/// the test proves the whole path runs and that every sampled problem is rejected with a reason from a real reply.
/// </summary>
[Collection(CliVerbCollection.Name)]
public sealed class ToolsetCreateLocalModelTests(GatewayLocalModelFixture fixture) : IClassFixture<GatewayLocalModelFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("craft-create-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Create_TinyLocalModelThroughTheGateway_RejectsEverySampledProblemWithAReasonAndStoresNothing()
    {
        var data = Path.Combine(_dir, "problems.jsonl");
        await File.WriteAllLinesAsync(data,
        [
            """{"id":"vowels","problem":"How many vowels are in the word 'banana'?","answer":3}""",
            """{"id":"gcd","problem":"What is the greatest common divisor of 12 and 18?","answer":6}""",
            """{"id":"reverse","problem":"Reverse the string 'gateway'.","answer":"yawetag"}""",
        ]);
        var report = Path.Combine(_dir, "report.json");
        var toolsets = Path.Combine(_dir, "toolsets");

        var exit = await GatewayCli.InvokeAsync(["toolset", "create", "--name", "tiny_tools", "--data", data,
            "--gateway", fixture.Gateway.BaseAddress.ToString(), "--key", GatewayApiKeys.Development, "--model", "tiny",
            "--sample", "2", "--seed", "5", "--max-tokens", "48", "--timeout", "120", "--report", report, "--toolsets", toolsets]);

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        var root = json.RootElement;
        Assert.Equal("tiny_tools", root.GetProperty("toolset").GetString());
        Assert.Equal(3, root.GetProperty("problems").GetInt32());
        Assert.Equal(2, root.GetProperty("sampled").GetInt32());
        Assert.Equal(0, root.GetProperty("kept").GetInt32());
        var rejects = root.GetProperty("rejects").EnumerateArray().ToList();
        Assert.Equal(2, rejects.Count);
        Assert.Equal(2, rejects.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(rejects, r =>
        {
            // A real reply came back through the gateway and failed on its merits, not on the call.
            Assert.NotEqual("llm_error", r.GetProperty("kind").GetString());
            Assert.Contains(r.GetProperty("stage").GetString(), new[] { "solution", "verification", "abstraction", "reverification" });
            Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reason").GetString()));
        });
        Assert.False(Directory.Exists(Path.Combine(toolsets, "tiny_tools")));
    }

    [Fact]
    public async Task CraftAgent_TinyLocalModelThroughTheGateway_RetrievesToolsAndTracesEveryFailedAttempt()
    {
        using var sandbox = new JsSandbox();
        using var chat = GatewayChatClient.Create(fixture.Gateway.BaseAddress, GatewayApiKeys.Development, "tiny");
        var agent = new CraftAgent(new FileToolsetStore(Repository.PathOf("config/toolsets")), sandbox, PromptEncoders.Default);

        var answer = await agent.RunAsync("What is the greatest common divisor of 84 and 36?", chat,
            new CraftAgentOptions { MaxAttempts = 2, MaxOutputTokens = 32 });

        Assert.False(answer.Succeeded);
        Assert.Null(answer.Answer);
        Assert.InRange(answer.Trace.RetrievedTools.Count, 1, 3);
        Assert.Equal(2, answer.Trace.Attempts.Count);
        Assert.All(answer.Trace.Attempts, a =>
        {
            Assert.False(string.IsNullOrEmpty(a.Reply));
            Assert.NotNull(a.Error);
        });
    }
}
