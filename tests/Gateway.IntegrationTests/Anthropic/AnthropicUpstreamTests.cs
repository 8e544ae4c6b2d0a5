using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>
/// <c>Provider: anthropic</c>: a real gateway in front of a fake Messages API server on loopback (real Kestrel), driven
/// with the official OpenAI SDK. The fake checks nothing itself; the tests read what it received (path, headers, body)
/// against the Messages API's documented shape, and what the SDK got back.
/// </summary>
public sealed class AnthropicUpstreamTests : IAsyncLifetime
{
    private const string KeyEnv = "GATEWAY_TEST_ANTHROPIC_UPSTREAM_KEY";
    private const string UpstreamKey = "sk-ant-upstream-secret";

    private FakeUpstream _upstream = null!;
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(KeyEnv, UpstreamKey);
        _upstream = await FakeUpstream.StartAsync("claude");
        _upstream.Handler = AnswerAsync;
        _gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:claude:Provider"] = "anthropic",
            ["Gateway:Models:claude:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Models:claude:UpstreamModel"] = "claude-test-1",
            ["Gateway:Models:claude:ApiKeyEnv"] = KeyEnv,
            ["Gateway:Models:claude:InputPricePerMTok"] = "1",
            ["Gateway:Models:claude:OutputPricePerMTok"] = "2",
            ["Gateway:Models:busy:Provider"] = "anthropic",
            ["Gateway:Models:busy:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Models:busy:UpstreamModel"] = "overloaded",
            ["Gateway:Models:busy:MaxRetries"] = "0",
            ["Gateway:Models:picky:Provider"] = "anthropic",
            ["Gateway:Models:picky:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Models:picky:UpstreamModel"] = "refuses",
        });
    }

    private ChatClient Chat(string model = "claude") => _gateway.CreateOpenAIClient().GetChatClient(model);

    private static ChatTool WeatherTool() => ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private RecordedRequest LastMessages() => _upstream.Requests.Last(r => r.Path == "/v1/messages");

    [Fact]
    public async Task CompleteChat_AnthropicUpstream_SendsMessagesShapeWithGatewayKeyAndTranslatesAnswer()
    {
        var options = new ChatCompletionOptions { StopSequences = { "END" }, Temperature = 1.5f };
        ChatCompletion completion = await Chat().CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello?")], options);

        var sent = LastMessages();
        Assert.Equal("POST", sent.Method);
        Assert.Equal((UpstreamKey, "2023-06-01"), (sent.Headers["x-api-key"], sent.Headers["anthropic-version"]));
        // The caller's own key never reaches the upstream, under any name.
        Assert.DoesNotContain("authorization", sent.Headers.Keys);
        var body = sent.Json!.AsObject();
        Assert.Equal("claude-test-1", body["model"]!.GetValue<string>());
        Assert.Equal("Be brief.", body["system"]!.GetValue<string>());
        Assert.Equal("""[{"role":"user","content":[{"type":"text","text":"Hello?"}]}]""", body["messages"]!.ToJsonString());
        // No max_tokens from the caller: the model's documented default; OpenAI's temperature 1.5 is clamped to Anthropic's 1.
        Assert.Equal((4096, 1.0, "END"), (body["max_tokens"]!.GetValue<int>(), body["temperature"]!.GetValue<double>(), body["stop_sequences"]![0]!.GetValue<string>()));
        Assert.False(body.ContainsKey("stream_options"));

        Assert.Equal("Hello from claude", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        // Prompt tokens are Anthropic's input, cache reads and cache writes: 12 + 3 + 0.
        Assert.Equal((15, 5), (completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount));
        Assert.Equal(3, completion.Usage.InputTokenDetails.CachedTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_ToolUse_InputJsonDeltasBecomeArgumentDeltasAndUsageIsMetered()
    {
        var options = new ChatCompletionOptions { Tools = { WeatherTool() }, ToolChoice = ChatToolChoice.CreateRequiredChoice(), MaxOutputTokenCount = 100 };
        var arguments = new StringBuilder();
        var argumentUpdates = 0;
        string? name = null, id = null;
        ChatFinishReason? finish = null;
        using var client = _gateway.CreateClient();
        var before = await client.GetStringAsync("/metrics");
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                id ??= call.ToolCallId;
                if (call.FunctionArgumentsUpdate is { } part && !part.ToMemory().IsEmpty)
                {
                    arguments.Append(part.ToString());
                    argumentUpdates++;
                }
            }

            finish ??= update.FinishReason;
        }

        var body = LastMessages().Json!.AsObject();
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.Equal(100, body["max_tokens"]!.GetValue<int>());
        Assert.Equal("""[{"name":"get_weather","description":"Weather for a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]""",
            body["tools"]!.ToJsonString());
        Assert.Equal("""{"type":"any"}""", body["tool_choice"]!.ToJsonString());

        Assert.Equal(("get_weather", "toolu_01", ChatFinishReason.ToolCalls), (name, id, finish));
        Assert.Equal("{\"city\": \"Paris\"}", arguments.ToString());
        Assert.Equal(2, argumentUpdates);

        await _gateway.Finished.WhenFinishedAsync("/v1/chat/completions", 1).WaitAsync(TimeSpan.FromSeconds(30));
        var after = await client.GetStringAsync("/metrics");
        // message_start's 20 input tokens and message_delta's 9 output tokens, as any upstream's usage is counted.
        Assert.Equal(20, Delta(before, after, "gateway_tokens_total{model=\"claude\",direction=\"input\"}"));
        Assert.Equal(9, Delta(before, after, "gateway_tokens_total{model=\"claude\",direction=\"output\"}"));
    }

    [Fact]
    public async Task CompleteChat_ToolRoundTrip_ToolCallsAndResultsBecomeToolUseAndToolResultBlocks()
    {
        var call = ChatToolCall.CreateFunctionToolCall("toolu_01", "get_weather", BinaryData.FromString("""{"city":"Paris"}"""));
        ChatCompletion completion = await Chat().CompleteChatAsync(
            [new UserChatMessage("Weather in Paris?"), new AssistantChatMessage([call]), new ToolChatMessage("toolu_01", "sunny"), new UserChatMessage("And so?")],
            new ChatCompletionOptions { Tools = { WeatherTool() } });

        var messages = LastMessages().Json!["messages"]!.ToJsonString();
        Assert.Equal(
            """[{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},"""
            + """{"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}]},"""
            + """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"sunny"},{"type":"text","text":"And so?"}]}]""",
            messages);
        Assert.Equal("It is sunny.", completion.Content[0].Text);
    }

    [Fact]
    public async Task Responses_AnthropicUpstream_AnswersThroughTheMessagesApi()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/responses",
            new StringContent("""{"model":"claude","input":"Hello?","max_output_tokens":50}""", Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hello from claude", text, StringComparison.Ordinal);
        Assert.Equal(50, LastMessages().Json!["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task CompleteChat_UpstreamOverloaded_AnswersOpenAIShaped503()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"busy","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Contains("overloaded_error: Overloaded", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_UpstreamRefusesRequest_AnswersOpenAIShaped400WithItsMessage()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"picky","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(("invalid_request_error", "invalid_request_error: messages: too long"),
            (error["type"]!.GetValue<string>(), error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CompleteChat_UntranslatableRequest_Answers400BeforeCallingTheUpstream()
    {
        var calls = _upstream.Requests.Count;
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"claude","n":2,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("n", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
        Assert.Equal(calls, _upstream.Requests.Count);
    }

    private static double Delta(string before, string after, string series) => Value(after, series) - Value(before, series);

    private static double Value(string metrics, string series)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(series) + " ([0-9.eE+-]+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The fake Messages API: answers as Anthropic's documentation shows, by the model asked for.</summary>
    private static async Task AnswerAsync(HttpContext context)
    {
        var request = FakeUpstream.RecordedOf(context).Json!.AsObject();
        var model = request["model"]!.GetValue<string>();
        if (context.Request.Path != "/v1/messages")
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (model is "overloaded" or "refuses")
        {
            context.Response.StatusCode = model == "overloaded" ? 529 : 400;
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["type"] = "error",
                ["error"] = new JsonObject { ["type"] = model == "overloaded" ? "overloaded_error" : "invalid_request_error", ["message"] = model == "overloaded" ? "Overloaded" : "messages: too long" },
            });
            return;
        }

        var toolResult = request["messages"]!.AsArray().SelectMany(m => m!["content"]!.AsArray()).LastOrDefault(b => b!["type"]!.GetValue<string>() == "tool_result");
        var text = toolResult is not null ? $"It is {toolResult["content"]!.GetValue<string>()}." : "Hello from claude";
        if (request["stream"]?.GetValue<bool>() != true)
        {
            var hasStop = request["stop_sequences"] is JsonArray { Count: > 0 };
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "msg_01",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
                ["stop_reason"] = hasStop ? "stop_sequence" : "end_turn",
                ["stop_sequence"] = hasStop ? "END" : null,
                ["usage"] = new JsonObject { ["input_tokens"] = 12, ["cache_creation_input_tokens"] = 0, ["cache_read_input_tokens"] = 3, ["output_tokens"] = 5 },
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        string[] events =
        [
            "message_start", """{"type":"message_start","message":{"id":"msg_02","type":"message","role":"assistant","model":""" + JsonSerializer.Serialize(model) + ""","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":1}}}""",
            "ping", """{"type":"ping"}""",
            "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check."}}""",
            "content_block_stop", """{"type":"content_block_stop","index":0}""",
            "content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}}""",
            "content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}}""",
            "content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}""",
            "content_block_stop", """{"type":"content_block_stop","index":1}""",
            "message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}}""",
            "message_stop", """{"type":"message_stop"}""",
        ];
        for (var i = 0; i < events.Length; i += 2)
        {
            await context.Response.WriteAsync($"event: {events[i]}\ndata: {events[i + 1]}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }
}
