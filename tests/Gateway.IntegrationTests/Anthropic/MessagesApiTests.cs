using System.Net;
using System.Text;
using System.Text.Json;
using global::Anthropic;
using global::Anthropic.Exceptions;
using global::Anthropic.Models.Messages;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>
/// Anthropic's Messages API through a real gateway in front of a real (fake) OpenAI-compatible upstream on loopback,
/// with the official Anthropic SDK as the client, and raw HTTP where the exact bytes matter.
/// </summary>
public sealed class MessagesApiTests(AnthropicFixture fixture) : IClassFixture<AnthropicFixture>
{
    private AnthropicClient Client(string key = AnthropicFixture.Key) =>
        new() { BaseUrl = fixture.Gateway.BaseAddress.ToString().TrimEnd('/'), ApiKey = key, MaxRetries = 0, Timeout = TimeSpan.FromSeconds(60) };

    private static Tool WeatherTool() => new()
    {
        Name = "get_weather",
        Description = "The weather in a city now",
        InputSchema = new() { Properties = new Dictionary<string, JsonElement> { ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement.Clone() }, Required = ["city"] },
    };

    [Fact]
    public async Task Create_AnthropicSdk_TextStopReasonUsageAndTheChatRequestSent()
    {
        var message = await Client().Messages.Create(new MessageCreateParams
        {
            Model = "alpha",
            MaxTokens = 64,
            System = "Be brief.",
            StopSequences = ["END"],
            Messages = [new UserMessageParam { Content = "Hello?" }],
        });

        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.Equal("alpha", message.Model.Raw());
        Assert.True(Assert.Single(message.Content).TryPickText(out var text));
        Assert.Equal("Hello from alpha", text.Text);
        Assert.Equal(StopReason.EndTurn, message.StopReason is { } reason ? reason.Value() : (StopReason?)null);
        Assert.Equal((11L, 7L), (message.Usage.InputTokens, message.Usage.OutputTokens));
        var chat = fixture.LastChat();
        Assert.Equal("alpha-upstream-id", chat["model"]!.GetValue<string>());
        Assert.Equal(("system", "Be brief."), (chat["messages"]![0]!["role"]!.GetValue<string>(), chat["messages"]![0]!["content"]!.GetValue<string>()));
        Assert.Equal(("user", "Hello?"), (chat["messages"]![1]!["role"]!.GetValue<string>(), chat["messages"]![1]!["content"]!.GetValue<string>()));
        Assert.Equal((64, "END"), (chat["max_tokens"]!.GetValue<int>(), chat["stop"]![0]!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateStreaming_AnthropicSdk_ParsesEveryEventInOrderAndTheTextJoins()
    {
        var events = new List<string>();
        var thinking = new StringBuilder();
        var text = new StringBuilder();
        StopReason? stop = null;
        long? outputTokens = null;
        await foreach (var e in Client().Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "alpha",
            MaxTokens = 64,
            Thinking = new ThinkingConfigEnabled { BudgetTokens = 2048 },
            Messages = [new UserMessageParam { Content = "Hello?" }],
        }))
        {
            if (e.TryPickStart(out var start))
            {
                events.Add("message_start:" + start.Message.Model.Raw());
            }
            else if (e.TryPickContentBlockStart(out var blockStart))
            {
                events.Add($"content_block_start:{blockStart.Index}:" + (blockStart.ContentBlock.TryPickThinking(out _) ? "thinking" : blockStart.ContentBlock.TryPickText(out _) ? "text" : "other"));
            }
            else if (e.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickThinking(out var t))
                {
                    thinking.Append(t.Thinking);
                    events.Add($"thinking_delta:{delta.Index}");
                }
                else if (delta.Delta.TryPickText(out var x))
                {
                    text.Append(x.Text);
                    events.Add($"text_delta:{delta.Index}");
                }
            }
            else if (e.TryPickContentBlockStop(out var blockStop))
            {
                events.Add($"content_block_stop:{blockStop.Index}");
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                stop = messageDelta.Delta.StopReason is { } reason ? reason.Value() : null;
                outputTokens = messageDelta.Usage.OutputTokens;
                events.Add("message_delta");
            }
            else if (e.TryPickStop(out _))
            {
                events.Add("message_stop");
            }
        }

        Assert.Equal(
            ["message_start:alpha", "content_block_start:0:thinking", "thinking_delta:0", "content_block_stop:0",
             "content_block_start:1:text", "text_delta:1", "text_delta:1", "text_delta:1", "content_block_stop:1", "message_delta", "message_stop"],
            events);
        Assert.Equal("Let me think.", thinking.ToString());
        Assert.Equal("Hello from alpha", text.ToString());
        Assert.Equal(StopReason.EndTurn, stop);
        Assert.Equal(7L, outputTokens);
        // budget_tokens 2048 is below 4096.
        Assert.Equal("low", fixture.LastChat()["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateStreaming_RawEvents_PingAfterMessageStartAndEventLinesMatchTheirType()
    {
        using var http = fixture.Gateway.CreateClient(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"alpha","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", AnthropicFixture.Key);
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var blocks = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var types = blocks.Select(b => b.Split('\n')[0]["event: ".Length..]).ToList();
        Assert.Equal(["message_start", "ping"], types.Take(2));
        Assert.Equal(["message_delta", "message_stop"], types.TakeLast(2));
        Assert.All(blocks, b => Assert.Equal(b.Split('\n')[0]["event: ".Length..], JsonDocument.Parse(b.Split('\n')[1]["data: ".Length..]).RootElement.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task CreateStreaming_ToolUse_InputJsonDeltasJoinToTheToolInput()
    {
        string? name = null;
        var json = new StringBuilder();
        StopReason? stop = null;
        await foreach (var e in Client().Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "alpha",
            MaxTokens = 64,
            Tools = [WeatherTool()],
            ToolChoice = new ToolChoiceAny(),
            Messages = [new UserMessageParam { Content = "Weather in Paris?" }],
        }))
        {
            if (e.TryPickContentBlockStart(out var start) && start.ContentBlock.TryPickToolUse(out var toolUse))
            {
                name = toolUse.Name;
            }
            else if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out var input))
            {
                json.Append(input.PartialJson);
            }
            else if (e.TryPickDelta(out var messageDelta))
            {
                stop = messageDelta.Delta.StopReason is { } reason ? reason.Value() : null;
            }
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("Paris", JsonDocument.Parse(json.ToString()).RootElement.GetProperty("city").GetString());
        Assert.Equal(StopReason.ToolUse, stop);
        Assert.Equal("required", fixture.LastChat()["tool_choice"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ToolRoundTrip_TheResultReachesTheModelAndItsAnswerComesBack()
    {
        var client = Client();
        MessageParam question = new UserMessageParam { Content = "Weather in Paris?" };
        var first = await client.Messages.Create(new MessageCreateParams { Model = "alpha", MaxTokens = 64, Tools = [WeatherTool()], Messages = [question] });
        Assert.True(Assert.Single(first.Content).TryPickToolUse(out var call));
        Assert.Equal(StopReason.ToolUse, first.StopReason is { } reason ? reason.Value() : (StopReason?)null);

        var second = await client.Messages.Create(new MessageCreateParams
        {
            Model = "alpha",
            MaxTokens = 64,
            Tools = [WeatherTool()],
            Messages =
            [
                question,
                new AssistantMessageParam { Content = new List<ContentBlockParam> { new ToolUseBlockParam { ID = call.ID, Name = call.Name, Input = call.Input } } },
                new UserMessageParam { Content = new List<ContentBlockParam> { new ToolResultBlockParam { ToolUseID = call.ID, Content = "18 C" } } },
            ],
        });

        Assert.True(Assert.Single(second.Content).TryPickText(out var answer));
        Assert.Equal("It is 18 C.", answer.Text);
        var sent = fixture.LastChat()["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool"], sent.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(call.ID, sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("Paris", JsonDocument.Parse(sent[1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>()).RootElement.GetProperty("city").GetString());
        Assert.Equal(call.ID, sent[2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task CountTokens_AnthropicSdk_FourBytesOfPromptAreOneToken()
    {
        var client = Client();
        async Task<long> CountAsync(string prompt) => (await client.Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "alpha",
            Messages = [new UserMessageParam { Content = prompt }],
        })).InputTokens;

        var shorter = await CountAsync("Hello");
        var longer = await CountAsync("Hello" + new string('a', 400));

        // 400 more ASCII bytes in the translated request are 100 more tokens at 4 bytes a token (± 1 for rounding).
        Assert.InRange(longer - shorter, 99, 101);
        Assert.True(shorter > 0);
    }

    [Theory]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"Hi"}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "max_tokens")]
    [InlineData("""{"model":"alpha","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"Hi"}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "Anthropic's service")]
    [InlineData("""{"model":"alpha","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"x"}}]}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "document")]
    [InlineData("""{"model":"nope","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""", HttpStatusCode.NotFound, "not_found_error", "nope")]
    [InlineData("""[1,2]""", HttpStatusCode.BadRequest, "invalid_request_error", "JSON object")]
    [InlineData("""{"model":""", HttpStatusCode.BadRequest, "invalid_request_error", "JSON")]
    public async Task Create_BadInput_AnthropicErrorShape(string body, HttpStatusCode status, string type, string mention)
    {
        using var http = fixture.Gateway.CreateClient(apiKey: null);
        http.DefaultRequestHeaders.Add("x-api-key", AnthropicFixture.Key);

        using var response = await http.PostAsync("/v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("error", json.GetProperty("type").GetString());
        Assert.Equal(type, json.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(mention, json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BadInput_AnthropicSdkThrowsItsBadRequestException()
    {
        var error = await Assert.ThrowsAnyAsync<AnthropicBadRequestException>(() => Client().Messages.Create(new MessageCreateParams
        {
            Model = "alpha",
            MaxTokens = 5,
            StopSequences = ["a", "b", "c", "d", "e"],
            Messages = [new UserMessageParam { Content = "Hi" }],
        }));

        Assert.Contains("stop_sequences", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk-ant-wrong")]
    public async Task Create_MissingOrWrongXApiKey_401AuthenticationErrorBeforeTheUpstream(string? key)
    {
        var before = fixture.Upstream.Requests.Count;
        using var http = fixture.Gateway.CreateClient(apiKey: null);
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("x-api-key", key);
        }

        using var response = await http.PostAsync("/v1/messages",
            new StringContent("""{"model":"alpha","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(("error", "authentication_error"), (json.GetProperty("type").GetString(), json.GetProperty("error").GetProperty("type").GetString()));
        Assert.Equal(before, fixture.Upstream.Requests.Count);
        await Assert.ThrowsAnyAsync<AnthropicUnauthorizedException>(() => Client(key ?? "").Messages.Create(new MessageCreateParams
        {
            Model = "alpha",
            MaxTokens = 5,
            Messages = [new UserMessageParam { Content = "Hi" }],
        }));
    }

    [Fact]
    public async Task ChatCompletions_XApiKey_AuthenticatesOnTheOpenAIEndpointsToo()
    {
        using var http = fixture.Gateway.CreateClient(apiKey: null);
        http.DefaultRequestHeaders.Add("x-api-key", AnthropicFixture.Key);

        using var response = await http.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"alpha","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(fixture.Upstream.Requests.Last().Headers.ContainsKey("x-api-key"));
    }

    [Fact]
    public async Task CreateStreaming_UpstreamBreaksMidStream_SdkSeesTheErrorEvent()
    {
        var texts = new List<string>();
        var error = await Assert.ThrowsAnyAsync<AnthropicSseException>(async () =>
        {
            await foreach (var e in Client().Messages.CreateStreaming(new MessageCreateParams
            {
                Model = "alpha",
                MaxTokens = 64,
                Messages = [new UserMessageParam { Content = AnthropicFixture.BreakPrompt }],
            }))
            {
                if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text))
                {
                    texts.Add(text.Text);
                    fixture.BreakGate.TrySetResult();
                }
            }
        });

        Assert.Equal(["Hello"], texts);
        Assert.Contains("api_error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStreaming_LimitedKeyWithARequestInFlight_NextIsRefusedWithRateLimitErrorAndNeverReachesTheUpstream()
    {
        fixture.StreamGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            using var http = fixture.Gateway.CreateClient(apiKey: null);
            http.DefaultRequestHeaders.Add("x-api-key", AnthropicFixture.LimitedKey);
            // max_tokens alone reserves more than the key's tokens per minute, until the answer settles.
            var body = $$"""{"model":"alpha","max_tokens":{{AnthropicFixture.LimitedTokensPerMinute * 2}},"stream":true,"messages":[{"role":"user","content":"Hi"}]}""";
            using var first = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") },
                HttpCompletionOption.ResponseHeadersRead);
            var before = fixture.Upstream.Requests.Count;

            using var second = await http.PostAsync("/v1/messages", new StringContent(body, Encoding.UTF8, "application/json"));
            var json = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal("rate_limit_error", json.GetProperty("error").GetProperty("type").GetString());
            Assert.NotNull(second.Headers.RetryAfter);
            Assert.Equal(before, fixture.Upstream.Requests.Count);
        }
        finally
        {
            fixture.StreamGate.TrySetResult();
            fixture.StreamGate = null;
        }
    }

    public static TheoryData<string, byte[], int> HostileBodies()
    {
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
        const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        var schema = "{\"type\":\"string\"}";
        // The schema sits 4 levels down; 30 more pairs of levels make 64, the most a body may nest, and one more once translated.
        for (var i = 0; i < 30; i++)
        {
            schema = "{\"type\":\"object\",\"properties\":{\"p\":" + schema + "}}";
        }

        var invalidUtf8 = Utf8("{\"model\":\"alpha\",\"max_tokens\":5,\"system\":\"~\"," + Messages + "}");
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'~')] = 0xFF;
        return new()
        {
            { "deep", Utf8("{\"model\":\"alpha\",\"max_tokens\":5,\"metadata\":" + new string('[', 200) + new string(']', 200) + "," + Messages + "}"), 400 },
            { "deep once translated", Utf8("{\"model\":\"alpha\",\"max_tokens\":5,\"tools\":[{\"name\":\"t\",\"input_schema\":" + schema + "}]," + Messages + "}"), 400 },
            { "huge temperature", Utf8("{\"model\":\"alpha\",\"max_tokens\":5,\"temperature\":1e400," + Messages + "}"), 400 },
            { "huge max_tokens", Utf8("{\"model\":\"alpha\",\"max_tokens\":123456789012345678901234567890," + Messages + "}"), 400 },
            { "duplicate model", Utf8("{\"model\":\"alpha\",\"model\":\"beta\",\"max_tokens\":5," + Messages + "}"), 400 },
            { "invalid UTF-8", invalidUtf8, 400 },
            { "half a surrogate pair", Utf8("{\"model\":\"alpha\",\"max_tokens\":5,\"system\":\"\\ud800\"," + Messages + "}"), 400 },
            { "over the body limit", Utf8("{\"model\":\"alpha\",\"max_tokens\":5,\"system\":\"" + new string('x', 9 * 1024 * 1024) + "\"," + Messages + "}"), 413 },
        };
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Create_HostileBody_A4xxInAnthropicShapeThatNeverReachesTheUpstream(string name, byte[] body, int status)
    {
        var before = fixture.Upstream.Requests.Count;
        using var http = fixture.Gateway.CreateClient(apiKey: null);
        http.DefaultRequestHeaders.Add("x-api-key", AnthropicFixture.Key);

        using var response = await http.PostAsync("/v1/messages", new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } });
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.True(status == (int)response.StatusCode, $"{name}: {(int)response.StatusCode} {json}");
        Assert.Equal("error", json.GetProperty("type").GetString());
        Assert.Equal(status == 413 ? "request_too_large" : "invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(before, fixture.Upstream.Requests.Count);
    }

    [Fact]
    public async Task Create_NoKeyAndABodyThatNeverEnds_RefusedInAnthropicShapeBeforeTheBodyIsRead()
    {
        // Generous: the answer must not wait for a body that never completes, however slow the machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var (status, body) = await FrontDoor.UnfinishedBody.PostAsync(fixture.Gateway.BaseAddress, "/v1/messages", null, timeout.Token);

        Assert.Equal(401, status);
        Assert.Equal("authentication_error", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("GET", "/v1/messages", 405, "invalid_request_error")]
    [InlineData("PUT", "/v1/messages/count_tokens", 405, "invalid_request_error")]
    [InlineData("POST", "/v1/messages/batches", 404, "not_found_error")]
    public async Task WrongMethodOrUnknownPath_UnderMessages_AnswersInAnthropicShape(string method, string path, int status, string type)
    {
        using var http = fixture.Gateway.CreateClient(apiKey: null);
        http.DefaultRequestHeaders.Add("x-api-key", AnthropicFixture.Key);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") });
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(("error", type), (json.GetProperty("type").GetString(), json.GetProperty("error").GetProperty("type").GetString()));
    }
}
