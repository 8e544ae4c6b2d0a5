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
