using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Routing.Aptitude;

namespace Gateway.UnitTests.Routing.Aptitude;

public sealed class AptitudeRunnerTests
{
    private static readonly AptitudeItem[] Items = AptitudeSuite.Create(seed: 3, itemsPerTask: 2).SelectMany(t => t.Items).ToArray();
    private static readonly Dictionary<string, AptitudeItem> ByPrompt = Items.ToDictionary(i => i.Prompt);

    [Fact]
    public async Task RunAsync_ModelAnswersRight_ScoresEveryItemOneInSuiteOrder()
    {
        using var http = Client(new FakeChatHandler(body => Reply($"Answer: {ByPrompt[Prompt(body)].Expected}")));

        var outcomes = await new AptitudeRunner(http).RunAsync(Items, new AptitudeRunOptions("m", Concurrency: 8));

        Assert.Equal(Items.Select(i => i.Id), outcomes.Select(o => o.Id));
        Assert.All(outcomes, o => Assert.Equal(1, o.Score));
        Assert.All(outcomes, o => Assert.Equal(o.Expected, o.Answer));
    }

    [Fact]
    public async Task RunAsync_Request_IsADeterministicChatCompletionForTheModel()
    {
        var handler = new FakeChatHandler(_ => Reply("Answer: 1"));
        using var http = Client(handler);

        await new AptitudeRunner(http).RunAsync(Items[..1], new AptitudeRunOptions("llama-8b", MaxTokens: 64));

        var (path, body) = Assert.Single(handler.Requests);
        Assert.Equal("/v1/chat/completions", path);
        Assert.Equal("llama-8b", body["model"]!.GetValue<string>());
        Assert.Equal(0, body["temperature"]!.GetValue<int>());
        Assert.Equal(64, body["max_tokens"]!.GetValue<int>());
        Assert.Equal(Items[0].Prompt, Prompt(body));
    }

    [Fact]
    public async Task RunAsync_FailedCalls_CountAsWrongWithTheirError()
    {
        var calls = 0;
        using var http = Client(new FakeChatHandler(_ => (Interlocked.Increment(ref calls) % 3) switch
        {
            0 => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("{\"error\":{\"message\":\"upstream down\"}}") },
            1 => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("not json") },
            _ => throw new HttpRequestException("connection reset"),
        }));

        var outcomes = await new AptitudeRunner(http).RunAsync(Items[..6], new AptitudeRunOptions("m", Concurrency: 1));

        Assert.All(outcomes, o => Assert.Equal(0, o.Score));
        Assert.Contains(outcomes, o => o.Error!.StartsWith("HTTP 502", StringComparison.Ordinal) && o.Error.Contains("upstream down", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.Error!.StartsWith("Unreadable response", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.Error!.Contains("connection reset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ResponseWithoutContent_CountsAsWrong()
    {
        using var http = Client(new FakeChatHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"choices\":[{\"message\":{\"content\":null}}]}") }));

        var outcome = Assert.Single(await new AptitudeRunner(http).RunAsync(Items[..1], new AptitudeRunOptions("m")));

        Assert.Equal(0, outcome.Score);
        Assert.StartsWith("The response has no message content", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AgentAnswer_RecordsItsTokensAndToolSteps_APlainAnswerHasNone()
    {
        var calls = 0;
        using var http = Client(new FakeChatHandler(body =>
        {
            if (Interlocked.Increment(ref calls) == 2)
            {
                return Reply("Answer: 1");
            }

            var reply = new JsonObject
            {
                ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "Answer: " + ByPrompt[Prompt(body)].Expected } }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 300, ["completion_tokens"] = 40, ["total_tokens"] = 340 },
                ["gateway_run"] = new JsonObject { ["id"] = "run_1", ["status"] = "completed", ["steps"] = 3 },
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(reply.ToJsonString(), Encoding.UTF8, "application/json") };
        }));

        var outcomes = await new AptitudeRunner(http).RunAsync(Items[..2], new AptitudeRunOptions("agent:rewoo", Concurrency: 1));

        Assert.Equal((1.0, 340L, 3), (outcomes[0].Score, outcomes[0].Tokens!.Value, outcomes[0].ToolCalls!.Value));
        Assert.True(outcomes[0].LatencyMs >= 0);
        Assert.Equal((null, null), (outcomes[1].Tokens, outcomes[1].ToolCalls));
    }

    private static HttpClient Client(HttpMessageHandler handler) => new(handler) { BaseAddress = new Uri("http://gateway.test/") };

    private static string Prompt(JsonNode body) => body["messages"]![0]!["content"]!.GetValue<string>();

    private static HttpResponseMessage Reply(string content) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(
            new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } }) }.ToJsonString(),
            Encoding.UTF8,
            "application/json"),
    };

    /// <summary>Answers each request with a callback and records what it received.</summary>
    private sealed class FakeChatHandler(Func<JsonNode, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public ConcurrentQueue<(string Path, JsonNode Body)> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            Requests.Enqueue((request.RequestUri!.AbsolutePath, body));
            return respond(body);
        }
    }
}
