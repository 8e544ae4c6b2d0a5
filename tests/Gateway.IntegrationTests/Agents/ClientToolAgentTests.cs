using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.Agents;

/// <summary>
/// The caller's own OpenAI tools through agents, with the official OpenAI SDK as the client: the agent's call of a
/// caller's tool comes back as <c>tool_calls</c>, and the conversation sent back with the result resumes the run.
/// </summary>
[Collection(AgentCollection.Name)]
public sealed class ClientToolAgentTests(AgentGatewayFixture fixture) : IClassFixture<AgentGatewayFixture>
{
    private const string Question = "What is the weather in Paris?";

    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "The current weather in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private static ChatCompletionOptions Options() => new() { Tools = { Weather } };

    private ChatClient Client(string agent) => fixture.Gateway.CreateOpenAIClient(AgentGatewayFixture.AdminKey).GetChatClient("agent:" + agent);

    [Fact]
    public async Task CompleteChat_ReActCallsTheCallersTool_SdkReadsTheCallThenTheResultReachesTheAnswer()
    {
        var client = Client("react-client");
        List<ChatMessage> messages = [new UserChatMessage(Question)];

        ChatCompletion first = await client.CompleteChatAsync(messages, Options());

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal(("call_weather", "get_weather"), (call.Id, call.FunctionName));
        Assert.Equal("Paris", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").GetString());
        Assert.True(first.Usage.TotalTokenCount > 0);

        messages.Add(new AssistantChatMessage(first.ToolCalls));
        messages.Add(new ToolChatMessage(call.Id, "21 C and sunny"));
        ChatCompletion second = await client.CompleteChatAsync(messages, Options());

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Empty(second.ToolCalls);
        Assert.StartsWith("Last result: 21 C and sunny.", second.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChat_ReWooPlansTheCallersTool_PausesWithPlanAndResumesWithoutPlanningAgain()
    {
        var client = Client("rewoo-client");
        List<ChatMessage> messages = [new UserChatMessage(Question)];
        var planned = PlannerCalls();

        ChatCompletion first = await client.CompleteChatAsync(messages, Options());

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Matches("^call_E2_[0-9a-f]{8}$", call.Id);
        Assert.Equal("{\"city\":\"Paris\"}", call.FunctionArguments.ToString());
        // The content is the plan with the evidence so far, in the paper's form; the caller sends it back.
        var plan = first.Content[0].Text;
        Assert.Contains("#E1 = calculator[6 * 7]\nEvidence: \"42\"", plan);
        Assert.Contains("#E2 = get_weather[Paris]", plan);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "21"));
        ChatCompletion second = await client.CompleteChatAsync(messages, Options());

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal("Evidence: 42 | Evidence: 21 | Evidence: 22", second.Content[0].Text);
        Assert.Equal(planned + 1, PlannerCalls());
    }

    [Fact]
    public async Task CompleteChatStreaming_ReWooClientTool_ToolCallDeltasParsedBySdkThenResumedStream()
    {
        var client = Client("rewoo-client");
        List<ChatMessage> messages = [new UserChatMessage(Question)];

        var first = await StreamAsync(client, messages);

        Assert.Equal(ChatFinishReason.ToolCalls, first.Finish);
        var (id, name, arguments) = Assert.Single(first.Calls);
        Assert.Matches("^call_E2_", id);
        Assert.Equal(("get_weather", "{\"city\":\"Paris\"}"), (name, arguments));
        Assert.Contains("#E2 = get_weather[Paris]", first.Text);
        Assert.True(first.Usage?.TotalTokenCount > 0);

        var assistant = new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(id, name, BinaryData.FromString(arguments))]);
        assistant.Content.Add(ChatMessageContentPart.CreateTextPart(first.Text));
        messages.Add(assistant);
        messages.Add(new ToolChatMessage(id, "21"));
        var second = await StreamAsync(client, messages);

        Assert.Equal(ChatFinishReason.Stop, second.Finish);
        Assert.Empty(second.Calls);
        Assert.Equal("Evidence: 42 | Evidence: 21 | Evidence: 22", second.Text);
    }

    [Fact]
    public async Task CompleteChat_UmiCallerChoosesTheCallersTool_ResultIsTheObservationTheSummarizerReads()
    {
        var client = Client("umi-client");
        List<ChatMessage> messages = [new UserChatMessage(Question)];

        ChatCompletion first = await client.CompleteChatAsync(messages, Options());

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Matches("^call_T1_", call.Id);
        Assert.StartsWith("Thought 1: ", first.Content[0].Text);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "21 C"));
        ChatCompletion second = await client.CompleteChatAsync(messages, Options());

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal("Observation 1: 21 C", second.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChat_ToolChoiceNone_AgentAnswersWithoutTheCallersTool()
    {
        var options = Options();
        options.ToolChoice = ChatToolChoice.CreateNoneChoice();

        ChatCompletion completion = await Client("react-client").CompleteChatAsync([new UserChatMessage(Question)], options);

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Empty(completion.ToolCalls);
        Assert.StartsWith("Last result: 42.", completion.Content[0].Text);
    }

    [Fact]
    public async Task Run_ClientToolCall_TraceShowsTheClientStepAndTheAwaitingStatus()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/agents/react-client/runs", new
        {
            messages = new[] { new { role = "user", content = Question } },
            tools = new[] { JsonNode.Parse(WeatherJson) },
        });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        Assert.Equal("awaiting_client", trace.GetProperty("status").GetString());
        Assert.Equal([("calculator", "ok"), ("get_weather", "client")],
            trace.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("tool").GetString(), s.GetProperty("status").GetString())));
        var call = Assert.Single(trace.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(("call_weather", "get_weather", "{\"city\":\"Paris\"}", "T2"),
            (call.GetProperty("id").GetString(), call.GetProperty("name").GetString(), call.GetProperty("arguments").GetString(), call.GetProperty("step").GetString()));
    }

    [Fact]
    public async Task ChatStream_RawSse_EventsThenToolCallDeltasThenFinishUsageAndDone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""
                {"model":"agent:react-client","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"{{Question}}"}],"tools":[{{WeatherJson}}]}
                """, Encoding.UTF8, "application/json"),
        };
        using var response = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();

        Assert.Equal("[DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var events = chunks.Select(c => c["gateway_event"]?["type"]?.GetValue<string>()).Where(e => e is not null).ToList();
        Assert.Equal(["tool_call", "tool_result", "client_tool_call"], events);
        var deltas = chunks.Where(c => c["choices"]!.AsArray().Count > 0 && c["choices"]![0]!["delta"]!["tool_calls"] is not null)
            .Select(c => c["choices"]![0]!["delta"]!["tool_calls"]![0]!).ToList();
        Assert.Equal(2, deltas.Count);
        Assert.Equal(("call_weather", "function", "get_weather"), (deltas[0]["id"]!.GetValue<string>(), deltas[0]["type"]!.GetValue<string>(), deltas[0]["function"]!["name"]!.GetValue<string>()));
        Assert.Equal("{\"city\":\"Paris\"}", deltas[1]["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal("tool_calls", chunks[^2]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.True(chunks[^1]["usage"]!["total_tokens"]!.GetValue<long>() > 0);
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "react-client", """{"messages":[{"role":"user","content":"q"}],"tools":{"type":"function"}}""", "tools" },
        { "react-client", """{"messages":[{"role":"user","content":"q"}],"tools":[{"type":"function","function":{"description":"no name"}}]}""", "tools[0].function.name" },
        { "react-client", """{"messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_2","content":"r"}]}""", "messages[2].tool_call_id" },
        { "react-client", $$"""{"messages":[{"role":"user","content":"q"}],"tools":[{{WeatherJson}}],"tool_choice":"required"}""", "tool_choice" },
        // The agent's own tool wins no clash silently: the request is refused, before a stream starts.
        { "react-client", """{"stream":true,"messages":[{"role":"user","content":"q"}],"tools":[{"type":"function","function":{"name":"calculator"}}]}""", "tools" },
        { "craft-scripted", $$"""{"messages":[{"role":"user","content":"q"}],"tools":[{{WeatherJson}}]}""", "tools" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Chat_BadClientToolInput_Is400WithOpenAIError(string agent, string body, string param)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        json["model"] = "agent:" + agent;
        using var response = await fixture.Http.PostAsync("/v1/chat/completions", new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("invalid_request_error", param), (error.GetProperty("type").GetString(), error.GetProperty("param").GetString()));
    }

    private static readonly string ManyTools = $"[{string.Join(',', Enumerable.Range(0, 40_000).Select(i => FunctionJson("f" + i)))}]";

    private static readonly string ManyMessages = $"[{string.Join(',', Enumerable.Repeat("""{"role":"user","content":"q"}""", 3000))}]";

    public static TheoryData<string, string, string, string> OverLimitBodies => new()
    {
        // 40,000 functions, far over the 128 OpenAI allows; 3000 messages, over the gateway's 2048.
        { "/v1/chat/completions", $$"""{"model":"agent:react-client","tools":{{ManyTools}},"messages":[{"role":"user","content":"q"}]}""", "tools", "too_many_tools" },
        { "/v1/agents/react-client/runs", $$"""{"tools":{{ManyTools}},"input":"q"}""", "tools", "too_many_tools" },
        { "/v1/chat/completions", $$"""{"model":"agent:react-client","messages":{{ManyMessages}}}""", "messages", "array_above_max_length" },
        { "/v1/agents/react-client/runs", $$"""{"messages":{{ManyMessages}}}""", "messages", "array_above_max_length" },
    };

    [Theory]
    [MemberData(nameof(OverLimitBodies))]
    public async Task Post_OverLimitAgentRequest_400NamingTheFieldBeforeAnyModelCall(string path, string body, string param, string code)
    {
        var modelCalls = fixture.Scripted.Requests.Count;

        using var response = await fixture.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((param, code), (error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(modelCalls, fixture.Scripted.Requests.Count);
    }

    [Fact]
    public async Task Chat_ToolNamesChosenByTheCaller_NeverBecomeMetricLabels()
    {
        var declared = "probe_" + Guid.NewGuid().ToString("N");
        var undeclared = "ghost_" + Guid.NewGuid().ToString("N");

        // The caller's own tool, which the agent calls: counted as a client call.
        using var paused = await ChatAsync(ScriptedModel.CallToolPrefix + declared, $"[{FunctionJson(declared)}]");
        // A name the caller talked the model into calling that no one offers: an unknown tool.
        using var answered = await ChatAsync(ScriptedModel.CallToolPrefix + undeclared, "[]");
        var metrics = await fixture.Http.GetStringAsync("/metrics");

        Assert.Equal(declared, paused.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("stop", answered.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.DoesNotContain(declared, metrics);
        Assert.DoesNotContain(undeclared, metrics);
        Assert.Contains("gateway_agent_tool_calls_total{tool=\"client\",status=\"client\"}", metrics);
        Assert.Contains("gateway_agent_tool_calls_total{tool=\"other\",status=\"unknown_tool\"}", metrics);
    }

    private async Task<JsonDocument> ChatAsync(string task, string tools)
    {
        var body = $$"""{"model":"agent:react-client","messages":[{"role":"user","content":{{JsonSerializer.Serialize(task)}}}],"tools":{{tools}}}""";
        using var response = await fixture.Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }

    private static string FunctionJson(string name) => JsonSerializer.Serialize(new { type = "function", function = new { name } });

    private const string WeatherJson = """{"type":"function","function":{"name":"get_weather","description":"The current weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private int PlannerCalls() => fixture.Scripted.Requests.Count(r => r.Json?["model"]?.GetValue<string>() == "scripted-planner");

    private static async Task<(string Text, List<(string Id, string Name, string Arguments)> Calls, ChatFinishReason? Finish, ChatTokenUsage? Usage)> StreamAsync(
        ChatClient client, List<ChatMessage> messages)
    {
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, Options()))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (StreamingChatToolCallUpdate call in update.ToolCallUpdates)
            {
                // As OpenAI streams a call: the id and name in its first delta, the arguments in pieces.
                var (id, name, arguments) = calls.TryGetValue(call.Index, out var e) ? e : ("", "", new StringBuilder());
                calls[call.Index] = (call.ToolCallId ?? id, call.FunctionName ?? name, arguments.Append(call.FunctionArgumentsUpdate?.ToString()));
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        return (text.ToString(), [.. calls.Values.Select(c => (c.Id, c.Name, c.Arguments.ToString()))], finish, usage);
    }
}
