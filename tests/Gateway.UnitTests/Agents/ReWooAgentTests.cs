using Gateway.Agents.ReWoo;
using Gateway.Agents.Runtime;
using Gateway.TestUtilities.Agents;
using Microsoft.Extensions.AI;

namespace Gateway.UnitTests.Agents;

public sealed class ReWooAgentTests
{
    private readonly ScriptedModelProvider _models = new();

    private void Script(string plan) => _models["planner"].Respond = _ => ScriptedChatClient.Text(plan);

    [Fact]
    public async Task Run_IndependentSteps_StartTogetherBeforeEitherFinishes()
    {
        var started = 0;
        var bothStarted = new TaskCompletionSource();
        var wait = AgentTestKit.AsyncTool("wait", async (input, ct) =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.TrySetResult();
            }

            // Sequential execution would leave the first call waiting here until the step timeout.
            await bothStarted.Task.WaitAsync(ct);
            return input;
        });
        Script("#E1 = wait[a]\n#E2 = wait[b]\n#E3 = echo[#E1+#E2]");
        var echo = AgentTestKit.Tool("echo", s => s);

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, [wait, echo]);

        var steps = result.Trace.Steps.ToDictionary(s => s.Id);
        Assert.Equal(("ok", "a"), (steps["E1"].Status, steps["E1"].Output));
        Assert.Equal(("ok", "b"), (steps["E2"].Status, steps["E2"].Output));
        Assert.Equal("a+b", steps["E3"].Output);
    }

    [Fact]
    public async Task Run_DependentStep_WaitsAndGetsEvidenceSubstituted()
    {
        var order = new List<string>();
        var log = AgentTestKit.Tool("log", s => { lock (order) { order.Add(s); } return s.ToUpperInvariant(); });
        Script("""{"steps":[{"id":"E1","tool":"log","input":"first"},{"id":"E2","tool":"log","input":"after #E1"},{"id":"E3","tool":"log","input":"#E2 and #E1"}]}""");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, [log]);

        Assert.Equal(["first", "after FIRST", "AFTER FIRST and FIRST"], order);
        Assert.Equal(AgentRunStatus.Completed, result.Trace.Status);
    }

    [Fact]
    public async Task Run_FailingTimedOutAndUnknownTools_BecomeEvidenceAndSolverSeesThem()
    {
        var broken = AgentTestKit.Tool("broken", _ => throw new InvalidOperationException("disk on fire"));
        var stall = AgentTestKit.AsyncTool("stall", async (s, ct) => { await Task.Delay(Timeout.Infinite, ct); return s; });
        Script("#E1 = broken[x]\n#E2 = stall[y]\n#E3 = nosuch[z]");
        string? solverPrompt = null;
        _models["solver"].Respond = call => { solverPrompt = call.Messages[^1].Text; return ScriptedChatClient.Text("done"); };
        var agent = AgentTestKit.Agent("rewoo", a => a.Limits.ToolTimeout = TimeSpan.FromMilliseconds(200));

        var result = await AgentTestKit.RunAsync(agent, _models, [broken, stall]);

        var steps = result.Trace.Steps.ToDictionary(s => s.Id);
        Assert.Equal(["error", "timeout", "unknown_tool"], new[] { steps["E1"].Status, steps["E2"].Status, steps["E3"].Status });
        Assert.Contains("Evidence: Error: the tool 'broken' failed: disk on fire", solverPrompt);
        Assert.Contains("Evidence: Error: the tool 'stall' did not answer within 0.2 s.", solverPrompt);
        Assert.Contains("Evidence: Error: there is no tool named 'nosuch'.", solverPrompt);
        Assert.Equal("done", result.Trace.Answer);
    }

    [Fact]
    public async Task Run_TwelveStepPlan_EveryStepRunsInOrderAndE12IsNotReadAsE1()
    {
        var steps = Enumerable.Range(1, 12).Select(k => k == 1 ? "#E1 = inc[0]" : $"#E{k} = inc[#E{k - 1}]");
        Script(string.Join("\n", steps));
        string? solverPrompt = null;
        _models["solver"].Respond = call => { solverPrompt = call.Messages[^1].Text; return ScriptedChatClient.Text("12"); };
        var inc = AgentTestKit.Tool("inc", s => (int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo", a => a.Limits.MaxSteps = 12), _models, [inc]);

        Assert.Equal(AgentRunStatus.Completed, result.Trace.Status);
        Assert.Equal(Enumerable.Range(1, 12).Select(k => $"E{k}"), result.Trace.Steps.Select(s => s.Id).Order(new StepOrder()));
        var byId = result.Trace.Steps.ToDictionary(s => s.Id);
        Assert.Equal(("11", "12"), (byId["E12"].Input, byId["E12"].Output));
        Assert.Contains("#E12 = inc[#E11]\nEvidence: 12", solverPrompt);
    }

    private sealed class StepOrder : IComparer<string>
    {
        public int Compare(string? x, string? y) => int.Parse(x![1..], System.Globalization.CultureInfo.InvariantCulture).CompareTo(int.Parse(y![1..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Run_JsonFormat_PlannerAskedForSchemaWithToolEnumAndStepBound()
    {
        Script("""{"steps":[{"tool":"echo","input":"hi"}]}""");
        var agent = AgentTestKit.Agent("rewoo", a => a.Limits.MaxSteps = 5);

        await AgentTestKit.RunAsync(agent, _models, [AgentTestKit.Tool("echo", s => s), AgentTestKit.Tool("other", s => s)]);

        var planning = _models.Calls.First();
        var format = Assert.IsType<ChatResponseFormatJson>(planning.Options!.ResponseFormat);
        var steps = format.Schema!.Value.GetProperty("properties").GetProperty("steps");
        Assert.Equal(5, steps.GetProperty("maxItems").GetInt32());
        Assert.Equal(["echo", "other"], steps.GetProperty("items").GetProperty("properties").GetProperty("tool").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Run_TextFormat_NoResponseFormatAndPromptShowsTheTextForm()
    {
        Script("#E1 = echo[hi]");

        await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo", a => a.PlanFormat = "text"), _models, [AgentTestKit.Tool("echo", s => s)]);

        var planning = _models.Calls.First();
        Assert.Null(planning.Options!.ResponseFormat);
        Assert.Contains("#E<k> = <tool>[", planning.Messages[0].Text);
    }

    [Fact]
    public async Task Run_MalformedPlanTwice_FailsWithPlanInvalidAndNoSolverCall()
    {
        Script("I would search the web.");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, [AgentTestKit.Tool("echo", s => s)]);

        Assert.Equal("agent_plan_invalid", result.ErrorCode);
        Assert.Equal(AgentRunStatus.Failed, result.Trace.Status);
        Assert.Contains("no steps", result.Trace.Error);
        Assert.Equal(2, _models.Calls.Count(c => c.Model == "planner"));
        Assert.DoesNotContain(_models.Calls, c => c.Model == "solver");
    }

    [Fact]
    public async Task Run_MalformedPlanThenValid_PlannerToldWhyAndRunCompletes()
    {
        var plans = new Queue<string>(["#E1 = echo[#E4]", "#E1 = echo[fixed]"]);
        _models["planner"].Respond = _ => ScriptedChatClient.Text(plans.Dequeue());

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, [AgentTestKit.Tool("echo", s => s)]);

        Assert.Equal(AgentRunStatus.Completed, result.Trace.Status);
        var retry = _models.Calls.Where(c => c.Model == "planner").Last();
        Assert.Contains("refers to #E4, which the plan does not define", retry.Messages[^1].Text);
        Assert.Equal("fixed", result.Trace.Steps.Single().Output);
        Assert.Equal("invalid_plan", result.Trace.Turns.Single().Next);
    }

    [Fact]
    public async Task Run_TokenBudgetSpentByPlanner_StopsBeforeSolverWithLimitReached()
    {
        Script("#E1 = echo[hi]");
        var agent = AgentTestKit.Agent("rewoo", a => a.Limits.MaxTotalTokens = 10);

        var result = await AgentTestKit.RunAsync(agent, _models, [AgentTestKit.Tool("echo", s => s)]);

        Assert.Equal(AgentRunStatus.LimitReached, result.Trace.Status);
        Assert.Null(result.ErrorCode);
        Assert.Contains("token budget", result.Trace.Answer);
        Assert.DoesNotContain(_models.Calls, c => c.Model == "solver");
    }

    [Fact]
    public async Task Run_TraceAndEvents_PlanThenCallsThenResults_UsagePerRole()
    {
        Script("#E1 = echo[a]\n#E2 = echo[#E1 b]");
        _models["solver"].Respond = _ => ScriptedChatClient.Text("answer");
        var events = new RecordingEventSink();

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, [AgentTestKit.Tool("echo", s => s)], events: events);

        Assert.Equal(["plan", "tool_call", "tool_result", "tool_call", "tool_result"], events.Events.Select(e => e.Type));
        Assert.Equal(["planner", "solver"], result.Trace.Roles.Keys.Order());
        Assert.Equal((1, 20, 5), (result.Trace.Roles["planner"].Calls, result.Trace.Roles["planner"].PromptTokens, result.Trace.Roles["planner"].CompletionTokens));
        Assert.Equal(["solver"], result.Trace.Roles["solver"].Models);
        Assert.Equal(20 + 5 + 10 + 5, result.Trace.Usage.TotalTokens);
        Assert.Equal("a b", result.Trace.Steps[1].Output);
        // A sink that takes answers gets the solver's answer streamed; the usage of the streamed call still counts.
        Assert.Equal(["answ", "er"], events.AnswerPieces);
        Assert.Equal("answer", result.Trace.Answer);
    }

    private const string WeatherPlan = "Plan: Find the user's city.\n#E1 = lookup[home]\nPlan: Ask the caller for its weather.\n#E2 = get_weather[#E1]\n#E3 = echo[weather: #E2]";

    private readonly ClientToolOffer _weather = new([AgentTestKit.ClientTool("get_weather")]);

    private Microsoft.SemanticKernel.KernelFunction[] CityTools() => [AgentTestKit.Tool("lookup", _ => "Paris"), AgentTestKit.Tool("echo", s => s)];

    [Fact]
    public async Task Run_PlanWithClientStep_ServerStepsRunThenPausesWithPlanAndEvidence()
    {
        Script(WeatherPlan);

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, CityTools(), [new ChatMessage(ChatRole.User, "weather at home?")], _weather);

        Assert.Equal(AgentRunStatus.AwaitingClient, result.Trace.Status);
        var call = Assert.Single(result.Trace.ToolCalls!);
        Assert.Matches("^call_E2_[0-9a-f]{8}$", call.Id);
        Assert.Equal(("get_weather", "{\"city\":\"Paris\"}", "E2"), (call.Name, call.Arguments, call.Step));
        Assert.Equal([("E1", "ok"), ("E2", "client")], result.Trace.Steps.Select(s => (s.Id, s.Status)));
        Assert.Equal("Plan: Find the user's city.\n#E1 = lookup[home]\nEvidence: \"Paris\"\n\nPlan: Ask the caller for its weather.\n#E2 = get_weather[#E1]\n\n#E3 = echo[weather: #E2]",
            result.Trace.Answer);
        Assert.DoesNotContain(_models.Calls, c => c.Model == "solver");
        var schema = Assert.IsType<ChatResponseFormatJson>(_models.Calls.First().Options!.ResponseFormat).Schema!.Value;
        Assert.Contains("get_weather", schema.GetProperty("properties").GetProperty("steps").GetProperty("items").GetProperty("properties")
            .GetProperty("tool").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Run_Resumed_PlanAndEvidenceReadFromContentClientResultFillsItsStepRestRunsAndSolves()
    {
        Script(WeatherPlan);
        string? solverPrompt = null;
        _models["solver"].Respond = call => { solverPrompt = call.Messages[^1].Text; return ScriptedChatClient.Text("21 C"); };
        var lookups = 0;
        Microsoft.SemanticKernel.KernelFunction[] tools = [AgentTestKit.Tool("lookup", _ => { lookups++; return "Paris"; }), AgentTestKit.Tool("echo", s => s)];
        var paused = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, tools, [new ChatMessage(ChatRole.User, "weather at home?")], _weather);

        var resumed = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, tools, AgentTestKit.Resume("weather at home?", paused.Trace, "21 C"), _weather);

        Assert.Equal(("21 C", AgentRunStatus.Completed), (resumed.Trace.Answer, resumed.Trace.Status));
        Assert.Equal(1, _models.Calls.Count(c => c.Model == "planner"));
        Assert.Equal(1, lookups);
        Assert.Equal(("E3", "weather: 21 C"), (resumed.Trace.Steps.Single().Id, resumed.Trace.Steps.Single().Output));
        Assert.Contains("#E1 = lookup[home]\nEvidence: Paris", solverPrompt);
        Assert.Contains("#E2 = get_weather[#E1]\nEvidence: 21 C", solverPrompt);
        Assert.Contains("Evidence: weather: 21 C", solverPrompt);
        Assert.Equal(3, resumed.Trace.Plan!.Count);
    }

    [Fact]
    public async Task Run_ResumedWithoutThePausedContent_PlansAgainReadingTheClientResult()
    {
        var plans = new Queue<string>([WeatherPlan, "#E1 = echo[done]"]);
        _models["planner"].Respond = _ => ScriptedChatClient.Text(plans.Dequeue());
        var paused = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, CityTools(), [new ChatMessage(ChatRole.User, "weather?")], _weather);
        var stripped = paused.Trace with { Answer = "" };

        var resumed = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, CityTools(), AgentTestKit.Resume("weather?", stripped, "21 C"), _weather);

        Assert.Equal(AgentRunStatus.Completed, resumed.Trace.Status);
        var replanning = _models.Calls.Where(c => c.Model == "planner").Last();
        Assert.Contains(replanning.Messages, m => m.Role == ChatRole.User && m.Text.StartsWith("Result of tool call call_E2_", StringComparison.Ordinal) && m.Text.EndsWith(": 21 C", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task Run_IndependentClientSteps_AskedTogetherUnlessParallelCallsAreOff(bool parallel, int asked)
    {
        Script("#E1 = get_weather[Paris]\n#E2 = get_weather[Rome]");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, [], [new ChatMessage(ChatRole.User, "q")],
            new ClientToolOffer([AgentTestKit.ClientTool("get_weather")], parallel));

        Assert.Equal(asked, result.Trace.ToolCalls!.Count);
        Assert.Equal("{\"city\":\"Paris\"}", result.Trace.ToolCalls[0].Arguments);
    }

    [Fact]
    public async Task Run_ClientToolsNotOffered_StepNamingOneIsAnUnknownTool()
    {
        Script("#E1 = get_weather[Paris]");

        var result = await AgentTestKit.RunAsync(AgentTestKit.Agent("rewoo"), _models, [AgentTestKit.Tool("echo", s => s)], [new ChatMessage(ChatRole.User, "q")], ClientToolOffer.None);

        Assert.Equal(AgentRunStatus.Completed, result.Trace.Status);
        Assert.Equal("unknown_tool", result.Trace.Steps.Single().Status);
    }

    [Fact]
    public void PlanState_WriteThenRead_PlanAndEvidenceComeBackWhateverTheEvidenceHolds()
    {
        var plan = PlanParser.Parse("Plan: first\n#E1 = a[x]\nPlan: second\n#E2 = b[{\"q\":\"#E1\"}]\n#E3 = c[#E2 and #E1]", 8);
        var evidence = new Dictionary<string, string> { ["E1"] = "two\nlines with \"quotes\"\n#E9 = fake[step]\nEvidence: not one" };

        Assert.True(PlanState.TryRead(PlanState.Write(plan, evidence), out var read, out var readEvidence));

        Assert.Equal(plan.Select(s => (s.Id, s.Tool, s.Input, s.Plan)), read.Select(s => (s.Id, s.Tool, s.Input, s.Plan)));
        Assert.Equal(evidence, readEvidence);
        Assert.False(PlanState.TryRead("The weather is nice.", out _, out _));
    }
}
