using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.FrontDoor;

public sealed class ChatCompletionsTests : IClassFixture<FrontDoorFixture>
{
    private readonly FrontDoorFixture _fixture;

    public ChatCompletionsTests(FrontDoorFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task CompleteChat_OpenAISdk_ReturnsUpstreamAnswerWithRewrittenModelAndUpstreamKey()
    {
        var chat = _fixture.Gateway.CreateOpenAIClient().GetChatClient("alpha");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal("Hello from alpha as alpha-upstream-id", completion.Content[0].Text);
        var seen = _fixture.Upstream.Requests.Last(r => r.Path == "/v1/chat/completions");
        Assert.Equal("alpha-upstream-id", seen.Json!["model"]!.GetValue<string>());
        Assert.Equal("Bearer " + FrontDoorFixture.UpstreamKey, seen.Headers["authorization"]);
    }

    [Fact]
    public async Task CompleteChat_RawHttp_CarriesRequestIdModelAndOverheadHeaders()
    {
        using var client = _fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"alpha","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-request-id", "trace-123");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("trace-123", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("alpha", response.Headers.GetValues("x-gateway-model").Single());
        var overhead = double.Parse(response.Headers.GetValues("x-gateway-overhead-ms").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(overhead, 0, 10_000);
        Assert.Equal("trace-123", _fixture.Upstream.Requests.Last().Headers["x-request-id"]);
    }

    [Fact]
    public async Task CompleteChat_WithoutRequestId_GeneratesOne()
    {
        using var client = _fixture.Gateway.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"alpha","messages":[{"role":"user","content":"hi"}]}"""));

        var id = response.Headers.GetValues("x-request-id").Single();
        Assert.StartsWith("req_", id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChatStreaming_FirstChunkArrivesBeforeUpstreamFinishes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fixture.Upstream.StreamGate = gate;
        try
        {
            var chat = _fixture.Gateway.CreateOpenAIClient().GetChatClient("alpha");
            var text = new StringBuilder();
            var updates = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("stream please")], cancellationToken: timeout.Token))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }

                // The upstream holds the rest of its stream until the client has seen the first
                // chunk: a buffering proxy would never deliver it, and the stream would time out.
                if (++updates == 1)
                {
                    Assert.False(gate.Task.IsCompleted);
                    gate.SetResult();
                }
            }

            Assert.Equal("Hello from alpha", text.ToString());
            Assert.True(updates >= 4, $"expected the stream's chunks separately, got {updates} updates");
        }
        finally
        {
            _fixture.Upstream.StreamGate = null;
        }
    }

    [Fact]
    public async Task CompleteChatStreaming_IncludeUsage_PassesUsageChunkThrough()
    {
        var chat = _fixture.Gateway.CreateOpenAIClient().GetChatClient("alpha");
        ChatTokenUsage? usage = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            usage ??= update.Usage;
        }

        Assert.NotNull(usage);
        Assert.Equal(9, usage.TotalTokenCount);
        var seen = _fixture.Upstream.Requests.Last(r => r.Path == "/v1/chat/completions");
        Assert.True(seen.Json!["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CompleteChat_WithTools_ToolsPassThroughAndToolCallsComeBack()
    {
        var chat = _fixture.Gateway.CreateOpenAIClient().GetChatClient("alpha");
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Paris", JsonNode.Parse(call.FunctionArguments.ToString())!["city"]!.GetValue<string>());
        var seen = _fixture.Upstream.Requests.Last(r => r.Path == "/v1/chat/completions").Json!;
        Assert.Equal("get_weather", seen["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("required", seen["tool_choice"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteChat_ExtraFields_ReachUpstreamByteForByteExceptModel()
    {
        const string body = """
            {"model": "alpha", "messages":[{"role":"user","content":"hi \u00e9"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
             "tool_choice":"auto", "response_format":{"type":"json_object"},
             "stream_options":null, "x_vendor_extension":{"nested":[1,2,{"a":"b"}]}, "temperature":0.25}
            """;
        using var client = _fixture.Gateway.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = _fixture.Upstream.Requests.Last(r => r.Path == "/v1/chat/completions").Body;
        Assert.Equal(body.Replace("\"model\": \"alpha\"", "\"model\": \"alpha-upstream-id\"", StringComparison.Ordinal), seen);
    }
}
