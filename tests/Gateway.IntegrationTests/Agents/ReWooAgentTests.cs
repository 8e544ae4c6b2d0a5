using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Gateway.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.Agents;

/// <summary>ReWOO behind the gateway's front door: real Kestrel, real YARP, real ModelServer, the OpenAI SDK as a client.</summary>
[Collection(AgentCollection.Name)]
public sealed class ReWooAgentTests(AgentGatewayFixture fixture) : IClassFixture<AgentGatewayFixture>
{
    private static readonly string[] TinyTools = ["calculator", "clock", "search"];

    [Fact]
    public async Task Run_TinyModelPlansUnderGrammar_PlanParsesStepsRunAndSolverAnswers()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/agents/rewoo-tiny/runs", new { input = "How many years ago was Edison born?" });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        Assert.Equal("completed", trace.GetProperty("status").GetString());
        var plan = trace.GetProperty("plan").EnumerateArray().ToList();
        Assert.InRange(plan.Count, 1, 3);
        Assert.All(plan, s => Assert.Contains(s.GetProperty("tool").GetString(), TinyTools));
        Assert.Equal(plan.Count, trace.GetProperty("steps").GetArrayLength());
        Assert.All(trace.GetProperty("steps").EnumerateArray(), s => Assert.Contains(s.GetProperty("status").GetString(), new[] { "ok", "error" }));
        var planner = trace.GetProperty("roles").GetProperty("planner");
        Assert.Equal("tiny", planner.GetProperty("models")[0].GetString());
        Assert.True(planner.GetProperty("prompt_tokens").GetInt64() > 100);
        Assert.True(planner.GetProperty("completion_tokens").GetInt64() > 5);
        var solver = trace.GetProperty("roles").GetProperty("solver");
        Assert.Equal(1, solver.GetProperty("calls").GetInt32());
        // The solver's answer is the tiny model's noise: it may end early, and never passes the role's 16 tokens.
        Assert.InRange(solver.GetProperty("completion_tokens").GetInt64(), 1, 16);
        var usage = trace.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64() + usage.GetProperty("completion_tokens").GetInt64(), usage.GetProperty("total_tokens").GetInt64());
        Assert.True(trace.GetProperty("timings").GetProperty("total").GetDouble() > 0);
    }

    [Fact]
    public async Task CompleteChatStreaming_TinyModel_SolverAnswerStreamsInPiecesWithUsage()
    {
        var client = fixture.Gateway.CreateOpenAIClient(AgentGatewayFixture.AdminKey).GetChatClient("agent:rewoo-tiny");
        var pieces = 0;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("How many years ago was Edison born?")]))
        {
            pieces += update.ContentUpdate.Count(p => !string.IsNullOrEmpty(p.Text));
            usage ??= update.Usage;
        }

        Assert.True(pieces > 3, $"{pieces} content pieces");
        // The planner's plan plus the solver's 16 tokens.
        Assert.True(usage!.OutputTokenCount > 16, $"{usage.OutputTokenCount} output tokens");
        Assert.True(usage.InputTokenCount > 200);
    }

    [Fact]
    public async Task Run_ScriptedPlan_IndependentStepsRunTogetherEvidenceSubstitutedFailuresBecomeEvidence()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/agents/rewoo-scripted/runs", new { input = "What is 20 + 22?" });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        var steps = trace.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        // Each rendezvous answers only while the other runs: both 'ok' means E1 and E2 ran in parallel.
        Assert.Equal(("ok", "20"), (steps["E1"].GetProperty("status").GetString(), steps["E1"].GetProperty("output").GetString()));
        Assert.Equal(("ok", "22"), (steps["E2"].GetProperty("status").GetString(), steps["E2"].GetProperty("output").GetString()));
        Assert.Equal("20 + 22", steps["E3"].GetProperty("input").GetString());
        Assert.Equal("42", steps["E3"].GetProperty("output").GetString());
        Assert.Equal("error", steps["E4"].GetProperty("status").GetString());
        Assert.Contains("the broken tool broke on '42'", steps["E4"].GetProperty("output").GetString());
        Assert.Equal("timeout", steps["E5"].GetProperty("status").GetString());
        Assert.Equal(["E1", "E2"], trace.GetProperty("plan")[2].GetProperty("depends_on").EnumerateArray().Select(e => e.GetString()));

        var answer = trace.GetProperty("answer").GetString()!;
        Assert.Contains("Evidence: 42", answer);
        Assert.Contains("Evidence: Error: the tool 'broken' failed", answer);
        Assert.Contains("did not answer within 5 s", answer);
        Assert.Equal("scripted-planner", trace.GetProperty("roles").GetProperty("planner").GetProperty("models")[0].GetString());
        Assert.Equal("scripted-solver", trace.GetProperty("roles").GetProperty("solver").GetProperty("models")[0].GetString());

        var planning = fixture.Scripted.Requests.Select(r => r.Json!.AsObject()).Last(r => r["model"]!.GetValue<string>() == "scripted-planner");
        Assert.Equal("json_schema", planning["response_format"]!["type"]!.GetValue<string>());
        Assert.Contains("rendezvous", ScriptedModel.ToolEnum(planning));
        Assert.Contains("calculator", ScriptedModel.ToolEnum(planning));
    }

    [Fact]
    public async Task CompleteChat_OpenAISdk_AgentModelAnswersWithUsage()
    {
        var client = fixture.Gateway.CreateOpenAIClient(AgentGatewayFixture.AdminKey).GetChatClient("agent:rewoo-scripted");

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("What is 20 + 22?")]);

        Assert.Contains("Evidence: 42", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("agent:rewoo-scripted", completion.Model);
        Assert.True(completion.Usage.InputTokenCount >= 200);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_OpenAISdk_EventsThenAnswer()
    {
        var client = fixture.Gateway.CreateOpenAIClient(AgentGatewayFixture.AdminKey).GetChatClient("agent:rewoo-scripted");
        ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage("What is 20 + 22?")]);
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("What is 20 + 22?")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        // The streamed solver call reports its usage too: the same run costs the same streamed or not.
        Assert.Equal(whole.Usage.TotalTokenCount, usage?.TotalTokenCount);
    }

    [Fact]
    public async Task ChatStream_RawSse_PlanAndEachToolCallArriveBeforeTheAnswer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = "agent:rewoo-scripted",
                stream = true,
                stream_options = new { include_usage = true },
                messages = new[] { new { role = "user", content = "What is 20 + 22?" } },
            }),
        };
        using var response = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();

        Assert.Equal("[DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>()));
        var events = chunks.Select(c => c["gateway_event"]?["type"]?.GetValue<string>()).ToList();
        Assert.Equal(0, events.IndexOf("plan") - 1);
        Assert.Equal(5, events.Count(e => e == "tool_call"));
        Assert.Equal(5, events.Count(e => e == "tool_result"));

        // After the last tool result the solver's answer streams in pieces as the model writes it.
        var answer = chunks.Skip(events.LastIndexOf("tool_result") + 1)
            .Where(c => c["choices"]!.AsArray().Count > 0 && c["choices"]![0]!["delta"]!["content"] is not null)
            .Select(c => c["choices"]![0]!["delta"]!["content"]!.GetValue<string>()).ToList();
        Assert.True(answer.Count > 3, $"{answer.Count} content chunks");
        Assert.Contains("Evidence: 42", string.Concat(answer));
        Assert.Equal("stop", chunks[^2]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.True(chunks[^1]["usage"]!["total_tokens"]!.GetValue<long>() > 0);

        var solving = fixture.Scripted.Requests.Select(r => r.Json!.AsObject()).Last(r => r["model"]!.GetValue<string>() == "scripted-solver");
        Assert.True(solving["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Chat_AgentKeyRules_UnknownAgent404_NotAllowed403()
    {
        using var unknown = await fixture.Http.PostAsJsonAsync("/v1/chat/completions", new { model = "agent:nope", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model_not_found", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());

        var models = await fixture.Gateway.CreateOpenAIClient(AgentGatewayFixture.AdminKey).GetOpenAIModelClient().GetModelsAsync();
        Assert.Contains(models.Value, m => m.Id == "agent:rewoo-scripted" && m.OwnedBy == "gateway-agent");
        using var one = await fixture.Http.GetAsync("/v1/models/agent:umi-mixed");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using var missing = await fixture.Http.GetAsync("/v1/models/agent:nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var noTask = await fixture.Http.PostAsJsonAsync("/v1/agents/rewoo-scripted/runs", new { something = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, noTask.StatusCode);

        using var embeddings = await fixture.Http.PostAsJsonAsync("/v1/embeddings", new { model = "agent:rewoo-scripted", input = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, embeddings.StatusCode);
    }

    [Fact]
    public async Task Chat_ManagedKeys_AgentMustBeAllowedAndRoleModelsTooWithTheCallersKey()
    {
        async Task<HttpClient> KeyAsync(string name, params string[] models)
        {
            using var created = await fixture.Http.PostAsJsonAsync("/admin/keys", new { name, models });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return fixture.Gateway.CreateClient((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());
        }

        object body = new { model = "agent:rewoo-scripted", messages = new[] { new { role = "user", content = "What is 20 + 22?" } } };
        var suffix = Guid.NewGuid().ToString("N")[..8];
        using var tinyOnly = await KeyAsync("tiny-only-" + suffix, "tiny");
        using var agentOnly = await KeyAsync("agent-only-" + suffix, "agent:rewoo-scripted");
        using var everything = await KeyAsync("agents-" + suffix, "agent:*", "scripted-planner", "scripted-solver");

        using var refused = await tinyOnly.PostAsJsonAsync("/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("model_not_allowed", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());

        // The agent is allowed, but its planner's model is not: the run's own call is refused with the caller's key.
        using var inner = await agentOnly.PostAsJsonAsync("/v1/chat/completions", body);
        var innerError = (await inner.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(HttpStatusCode.Forbidden, inner.StatusCode);
        Assert.Equal("agent_model_not_allowed", innerError.GetProperty("code").GetString());
        Assert.Contains("scripted-planner", innerError.GetProperty("message").GetString());

        using var allowed = await everything.PostAsJsonAsync("/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("Evidence: 42", (await allowed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        // GET /v1/agents lists what each key may run, as /v1/models does: nothing, the one agent, every agent.
        static async Task<string[]> ListedAsync(HttpClient client) =>
            [.. (await client.GetFromJsonAsync<JsonElement>("/v1/agents")).GetProperty("data").EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
        Assert.Empty(await ListedAsync(tinyOnly));
        Assert.Equal(["agent:rewoo-scripted"], await ListedAsync(agentOnly));
        var all = await ListedAsync(everything);
        Assert.Contains("agent:rewoo-scripted", all);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(
            (await fixture.Http.GetFromJsonAsync<JsonElement>("/v1/agents")).GetProperty("data").GetArrayLength(),
            all.Length);
    }

    [Fact]
    public async Task Mcp_SecondGatewayUsesFirstGatewaysToolsOverHttpMcp()
    {
        var catalog = fixture.McpClientGateway.Services.GetRequiredService<ToolCatalog>();
        var tools = await catalog.GetToolsAsync(null, CancellationToken.None);
        Assert.Contains(tools, t => t.Name == "self_calculator" && t.Source == "mcp");
        Assert.Contains(tools, t => t.Name == "self_rendezvous");

        using var http = fixture.McpClientGateway.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(2);
        using var response = await http.PostAsJsonAsync("/v1/agents/over-mcp/runs", new { input = "six times seven" });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        var step = trace.GetProperty("steps")[0];
        Assert.Equal(("self_calculator", "ok", "42"), (step.GetProperty("tool").GetString(), step.GetProperty("status").GetString(), step.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task Agents_ConfigReload_NewAgentServedInvalidChangeKeepsLastGood()
    {
        await ReloadedAsync(() => fixture.Gateway.WriteConfigFileAsync("agents.json", """{"Gateway":{"Agents":{"late":{"Kind":"react","Tools":["clock"]}}}}"""));
        Assert.True(await ListedAsync("agent:late"), "the new agent was not served after the reload");

        await fixture.Gateway.WriteConfigFileAsync("agents.json", """{"Gateway":{"Agents":{"late":{"Kind":"magic"}}}}""");
        await fixture.Log.WhenLoggedAsync(l => l.Contains("Gateway.Agents: Configuration reload of 'Gateway:Agents' rejected", StringComparison.Ordinal)
            && l.Contains("Kind 'magic' is not one of", StringComparison.Ordinal)).WaitAsync(ReloadBackstop);
        Assert.True(await ListedAsync("agent:late"), "an invalid reload replaced the last good definitions");

        await ReloadedAsync(() => fixture.Gateway.WriteConfigFileAsync("agents.json", """{"Gateway":{}}"""));
        Assert.False(await ListedAsync("agent:late"), "removing the agent did not reload");
    }

    private static readonly TimeSpan ReloadBackstop = TimeSpan.FromSeconds(30);

    /// <summary>Writes a config file and waits until the agents' definitions were swapped for what it holds.</summary>
    private async Task ReloadedAsync(Func<Task> write)
    {
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(AgentSnapshot _) => reloaded.TrySetResult();
        var snapshot = fixture.Gateway.Services.GetRequiredService<ReloadingSnapshot<AgentSnapshot>>();
        snapshot.Changed += OnChanged;
        try
        {
            await write();
            await reloaded.Task.WaitAsync(ReloadBackstop);
        }
        finally
        {
            snapshot.Changed -= OnChanged;
        }
    }

    private async Task<bool> ListedAsync(string id)
    {
        var list = await fixture.Http.GetFromJsonAsync<JsonElement>("/v1/agents");
        return list.GetProperty("data").EnumerateArray().Any(a => a.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Mcp_StdioServerProcess_ToolsListedAndCalled()
    {
        var catalog = fixture.McpClientGateway.Services.GetRequiredService<ToolCatalog>();
        var tools = await catalog.GetToolsAsync(null, CancellationToken.None);
        var calculator = Assert.Single(tools, t => t.Name == "local_calculator");
        Assert.Equal("mcp", calculator.Source);
        Assert.Contains(tools, t => t.Name == "local_clock");

        var outcome = await ToolInvoker.InvokeAsync(new Microsoft.SemanticKernel.Kernel(), calculator, calculator.Name, "6 * 7", TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal((ToolStatus.Ok, "42"), (outcome.Status, outcome.Output));

        var failed = await ToolInvoker.InvokeAsync(new Microsoft.SemanticKernel.Kernel(), calculator, calculator.Name, "6 *", TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(ToolStatus.Error, failed.Status);
        Assert.Contains("ends too early", failed.Output);
    }

    [Fact]
    public async Task Mcp_WithoutKey_Is401()
    {
        using var anonymous = fixture.Gateway.CreateClient(apiKey: null);
        using var response = await anonymous.PostAsJsonAsync("/mcp", new { jsonrpc = "2.0", id = 1, method = "tools/list" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Craft_ScriptedCoder_RetrievesToolsetFunctionRunsProgramInSandboxAndAnswers()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/agents/craft-scripted/runs", new { input = "How many vowels are in the word 'banana'?" });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        Assert.Equal("completed", trace.GetProperty("status").GetString());
        Assert.Equal("3", trace.GetProperty("answer").GetString());
        Assert.Equal("craft", trace.GetProperty("kind").GetString());
        var retrieval = Assert.Single(trace.GetProperty("turns").EnumerateArray(), t => t.GetProperty("role").GetString() == "retriever");
        Assert.Contains("count_vowels", retrieval.GetProperty("content").GetString());
        var step = Assert.Single(trace.GetProperty("steps").EnumerateArray());
        Assert.Equal(("sandbox", "ok", "3"), (step.GetProperty("tool").GetString(), step.GetProperty("status").GetString(), step.GetProperty("output").GetString()));
        Assert.Contains("count_vowels({ text: 'banana' })", step.GetProperty("input").GetString());
        Assert.Equal("scripted-coder", trace.GetProperty("roles").GetProperty("coder").GetProperty("models")[0].GetString());
    }

    [Fact]
    public async Task Craft_OpenAISdk_AgentModelAnswersFromTheSandbox()
    {
        var client = fixture.Gateway.CreateOpenAIClient(AgentGatewayFixture.AdminKey).GetChatClient("agent:craft-scripted");

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Count the vowels in 'banana'.")]);

        Assert.Equal("3", completion.Content[0].Text);
        Assert.Equal("agent:craft-scripted", completion.Model);
    }

    [Fact]
    public async Task ReWoo_ToolsetFunctionAsOrdinaryTool_PlannedRunInSandboxEvidenceReachesSolver()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/agents/rewoo-toolset/runs", new { input = "How many vowels has 'banana'?" });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        var step = Assert.Single(trace.GetProperty("steps").EnumerateArray());
        Assert.Equal(("count_vowels", "ok", "3"), (step.GetProperty("tool").GetString(), step.GetProperty("status").GetString(), step.GetProperty("output").GetString()));
        Assert.Contains("Evidence: 3", trace.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Craft_TinyModel_RealPathRunsAndRejectsWhatDoesNotRun()
    {
        using var response = await fixture.Http.PostAsJsonAsync("/v1/agents/craft-tiny/runs", new { input = "How many vowels are in the word 'banana'?" });
        var trace = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, trace.ToString());
        Assert.Equal("failed", trace.GetProperty("status").GetString());
        Assert.Contains("No program that runs was found in 2 tries", trace.GetProperty("answer").GetString());
        Assert.Single(trace.GetProperty("turns").EnumerateArray(), t => t.GetProperty("role").GetString() == "retriever");
        var steps = trace.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.NotEqual("ok", s.GetProperty("status").GetString()));
        var coder = trace.GetProperty("roles").GetProperty("coder");
        Assert.Equal("tiny", coder.GetProperty("models")[0].GetString());
        Assert.True(coder.GetProperty("completion_tokens").GetInt64() > 0);
    }
}
