using Gateway.Agents.Configuration;
using Gateway.Agents.ReAct;
using Gateway.Agents.Runtime;
using Gateway.TestUtilities.Agents;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.SemanticKernel;

namespace Gateway.UnitTests.Agents;

/// <summary>The compact prompt templates (the default) and their per-agent configuration.</summary>
public sealed class CompactPromptTests
{
    private readonly ScriptedModelProvider _models = new();

    private static readonly KernelFunction Gcd = KernelFunctionFactory.CreateFromMethod(
        (long a, long b) => { while (b != 0) { (a, b) = (b, a % b); } return a; }, "gcd", "Computes the greatest common divisor of two integers.");

    private static readonly KernelFunction IsPrime = KernelFunctionFactory.CreateFromMethod(
        (long n) => n > 1 && Enumerable.Range(2, (int)Math.Max(0, n - 2)).All(d => n % d != 0) ? "true" : "false", "is_prime", "Tells whether an integer is prime.");

    private static AgentOptions Compact(string kind, Action<AgentOptions>? configure = null) => AgentTestKit.Agent(kind, a =>
    {
        a.Prompts = new PromptOptions();
        configure?.Invoke(a);
    });

    [Fact]
    public async Task ReWoo_CompactDefault_ShortPlannerPromptPositionalArgumentsAndOneLinePerStepForTheSolver()
    {
        _models["planner"].Respond = _ => ScriptedChatClient.Text("""{"steps":[{"tool":"gcd","input":"84, 126"},{"tool":"is_prime","input":"#E1"}]}""");
        _models["solver"].Respond = _ => ScriptedChatClient.Text("Answer: no");

        var result = await AgentTestKit.RunAsync(Compact("rewoo"), _models, [Gcd, IsPrime], task: "Is gcd(84, 126) prime?");

        var planner = _models.Calls.First();
        Assert.Equal("Plan tool calls for the task. Step k's result is #Ek. Args comma-separated.\nTools:\ngcd(a, b)\nis_prime(n)", planner.Messages[0].Text);
        Assert.Equal("Is gcd(84, 126) prime?", planner.Messages[^1].Text);
        var items = Assert.IsType<ChatResponseFormatJson>(planner.Options!.ResponseFormat).Schema!.Value.GetProperty("properties").GetProperty("steps").GetProperty("items");
        Assert.Equal(["tool", "input"], items.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var solver = _models.Calls.Last();
        Assert.Equal("Answer the task from the results.\nTask: Is gcd(84, 126) prime?\n#E1 = gcd[84, 126] -> 42\n#E2 = is_prime[#E1] -> false", Assert.Single(solver.Messages).Text);
        Assert.Equal(("Answer: no", AgentRunStatus.Completed), (result.Trace.Answer, result.Trace.Status));
    }

    [Fact]
    public async Task ReWoo_PaperStyle_KeepsThePaperTemplates()
    {
        _models["planner"].Respond = _ => ScriptedChatClient.Text("""{"steps":[{"tool":"is_prime","input":"7"}]}""");

        await AgentTestKit.RunAsync(Compact("rewoo", a => a.Prompts.Style = PromptOptions.Paper), _models, [IsPrime]);

        Assert.StartsWith("For the following task, make plans", _models.Calls.First().Messages[0].Text);
        Assert.Contains("For example:", _models.Calls.First().Messages[0].Text);
        Assert.Contains("Evidence: true", _models.Calls.Last().Messages[^1].Text);
    }

    [Fact]
    public async Task ReWoo_SystemOverride_ReplacesTheFixedTextAndFillsInTheTools()
    {
        _models["planner"].Respond = _ => ScriptedChatClient.Text("""{"steps":[{"tool":"is_prime","input":"7"}]}""");

        await AgentTestKit.RunAsync(Compact("rewoo", a => a.Prompts.System["planner"] = "Tools:\n{tools}\nGo."), _models, [Gcd, IsPrime]);

        Assert.Equal("Tools:\ngcd(a, b)\nis_prime(n)\nGo.", _models.Calls.First().Messages[0].Text);
    }

    [Fact]
    public async Task Umi_CompactDefault_CallerReadsTheInstructionAloneAndTheHistoryIsShortCalls()
    {
        var turns = 0;
        _models["planner"].Respond = _ => ScriptedChatClient.Text(++turns == 1 ? """{"thought":"gcd(84, 126)","next":"caller"}""" : """{"thought":"done","next":"conclusion"}""");
        _models["caller"].Respond = _ => ScriptedChatClient.ToolCall("gcd", new Dictionary<string, object?> { ["a"] = 84, ["b"] = 126 });
        _models["summarizer"].Respond = _ => ScriptedChatClient.Text("Answer: 42");

        var result = await AgentTestKit.RunAsync(Compact("umi"), _models, [Gcd, IsPrime], task: "gcd of 84 and 126?");

        var calls = _models.Calls.ToList();
        Assert.Equal("Give the next tool call as the thought, or next=conclusion when done.\nTools:\ngcd(a, b)\nis_prime(n)", calls[0].Messages[0].Text);
        Assert.Equal("Task: gcd of 84 and 126?", calls[0].Messages[1].Text);
        Assert.Equal(["Make this tool call.", "gcd(84, 126)"], calls[1].Messages.Select(m => m.Text));
        var declared = Assert.IsAssignableFrom<AIFunctionDeclaration>(calls[1].Options!.Tools![0]);
        Assert.Equal(("gcd", ""), (declared.Name, declared.Description));
        Assert.Equal("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}""", declared.JsonSchema.GetRawText());
        Assert.Equal("Task: gcd of 84 and 126?\nAction 1: gcd(84, 126)\nObservation 1: 42", calls[2].Messages[1].Text);
        Assert.Equal(["Answer the task from the observations.", "Task: gcd of 84 and 126?\nAction 1: gcd(84, 126)\nObservation 1: 42"], calls[3].Messages.Select(m => m.Text));
        Assert.Equal("Answer: 42", result.Trace.Answer);
    }

    [Fact]
    public async Task ReAct_CompactDefault_ShortSystemMessageAndPlainToolResults()
    {
        var turn = 0;
        _models["actor"].Respond = _ => ++turn == 1
            ? ScriptedChatClient.ToolCall("gcd", new Dictionary<string, object?> { ["a"] = 84, ["b"] = 126 })
            : ScriptedChatClient.Text("Answer: 42");

        var result = await AgentTestKit.RunAsync(Compact("react"), _models, [Gcd]);

        var last = _models.Calls.Last();
        Assert.Equal(ReActAgent.CompactSystemPrompt, last.Messages[0].Text);
        Assert.Equal("42", Assert.IsType<Microsoft.Extensions.AI.FunctionResultContent>(last.Messages[^1].Contents.Single()).Result);
        Assert.Equal("Answer: 42", result.Trace.Answer);
    }

    [Fact]
    public async Task ToolResult_JsonStringInQuotes_AgentsReadThePlainText()
    {
        var shift = KernelFunctionFactory.CreateFromMethod((string text, int shift) => "\"" + text.ToUpperInvariant() + "\"", "caesar_shift", "Shifts letters.");
        _models["planner"].Respond = _ => ScriptedChatClient.Text("""{"steps":[{"tool":"caesar_shift","input":"a, b, 3"}]}""");

        var result = await AgentTestKit.RunAsync(Compact("rewoo"), _models, [shift]);

        // Extra commas stay with the first (text) argument; the last value binds to the last parameter.
        Assert.Equal("A, B", result.Trace.Steps.Single().Output);
    }

    [Theory]
    [InlineData("Style", "verbose", "Prompts:Style")]
    [InlineData("System:planner", " ", "Prompts:System:planner")]
    public void Snapshot_BadPromptSettings_AreRejectedNamingTheSetting(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Agents:a:Kind"] = "rewoo",
            [$"Gateway:Agents:a:Prompts:{key}"] = value,
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => AgentSnapshot.Build(configuration, ["rewoo"]));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_NoPromptSettings_CompactByDefault()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:Agents:a:Kind"] = "rewoo" }).Build();

        Assert.True(AgentSnapshot.Build(configuration, ["rewoo"]).Find("a")!.Prompts.IsCompact);
    }
}
