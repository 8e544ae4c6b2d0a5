using System.CommandLine;
using System.Globalization;
using Gateway.Agents.Configuration;
using Gateway.Agents.ReAct;
using Gateway.Agents.ReWoo;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;
using Gateway.Bench.Agents;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;
using Spectre.Console;

var maxDepth = new Option<int>("--max-depth") { Description = "Deepest chain of tool steps", DefaultValueFactory = _ => 8 };
var words = new Option<int>("--passage-words") { Description = "Words per tool observation", DefaultValueFactory = _ => 80 };
var root = new RootCommand("Prompt+completion tokens of ReWOO vs ReAct on the same scripted multi-hop tasks, by depth.") { maxDepth, words };
root.SetAction(async (parse, cancellationToken) =>
{
    var table = new Table().AddColumns("depth", "ReWOO calls", "ReWOO prompt+completion", "ReAct calls", "ReAct prompt+completion", "ReAct / ReWOO");
    for (var depth = 1; depth <= parse.GetValue(maxDepth); depth++)
    {
        var rewoo = await RunAsync("rewoo", depth, parse.GetValue(words), cancellationToken);
        var react = await RunAsync("react", depth, parse.GetValue(words), cancellationToken);
        if (rewoo.Answer != $"topic-{depth}" || react.Answer != $"topic-{depth}")
        {
            throw new InvalidOperationException($"Depth {depth}: an agent did not reach the scripted answer ({rewoo.Answer} / {react.Answer}).");
        }

        table.AddRow(
            depth.ToString(CultureInfo.InvariantCulture), Calls(rewoo), Tokens(rewoo), Calls(react), Tokens(react),
            ((double)react.Usage.TotalTokens / rewoo.Usage.TotalTokens).ToString("0.00", CultureInfo.InvariantCulture) + "x");
    }

    if (Console.IsOutputRedirected)
    {
        // Logs and CI capture the table whole rather than wrapped at 80 columns.
        AnsiConsole.Profile.Width = 160;
    }

    AnsiConsole.Write(table);
    AnsiConsole.WriteLine("Tokens: deterministic estimate, 1 per 4 characters + 4 per message + tool declarations and response schema per request.");
    return 0;
});
return await root.Parse(args).InvokeAsync();

static string Tokens(AgentTrace trace) => string.Create(CultureInfo.InvariantCulture,
    $"{trace.Usage.PromptTokens} + {trace.Usage.CompletionTokens} = {trace.Usage.TotalTokens}");

static string Calls(AgentTrace trace) => trace.Roles.Values.Sum(r => r.Calls).ToString(CultureInfo.InvariantCulture);

static async Task<AgentTrace> RunAsync(string kind, int depth, int words, CancellationToken cancellationToken)
{
    var agent = new AgentOptions { Kind = kind, PlanFormat = "text" };
    agent.Limits.MaxSteps = 16;
    agent.Limits.MaxIterations = 16;
    agent.Limits.MaxTotalTokens = 0;
    var definitions = new Definitions(new AgentSnapshot(new Dictionary<string, AgentOptions> { ["bench"] = agent }));
    var tools = new ToolCatalog([new Source(ScriptedTask.Tools(words))], NullLogger<ToolCatalog>.Instance);
    var runner = new AgentRunner(definitions, [new ReWooAgent(), new ReActAgent()], tools, NullLogger<AgentRunner>.Instance);
    var model = new CountingChatClient(call =>
    {
        if (call.Messages[0].Text.Contains("make plans", StringComparison.Ordinal))
        {
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, ScriptedTask.Plan(depth)));
        }

        if (call.Messages[0].Text.StartsWith("Solve the following task", StringComparison.Ordinal))
        {
            // The solver reads the last hop's evidence, as a model would.
            var last = call.Messages[0].Text.Split('\n').Last(l => l.StartsWith("Evidence:", StringComparison.Ordinal));
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "topic-" + last[(last.LastIndexOf("topic-", StringComparison.Ordinal) + 6)..].TrimEnd('.')));
        }

        return ScriptedTask.ReActTurn(call.Messages.Count(m => m.Role == ChatRole.Tool), depth);
    });
    var result = await runner.RunAsync("bench", [new ChatMessage(ChatRole.User, ScriptedTask.Question(depth))], new Provider(model), null, cancellationToken);
    return result.ErrorCode is null ? result.Trace : throw new InvalidOperationException(result.Trace.Error);
}

internal sealed class Definitions(AgentSnapshot snapshot) : IAgentDefinitions
{
    public AgentSnapshot Current => snapshot;
}

internal sealed class Source(KernelPlugin plugin) : IAgentToolSource
{
    public string Name => "bench";

    public ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<KernelPlugin>>([plugin]);
}

internal sealed class Provider(IChatClient client) : IAgentModelProvider
{
    public IChatClient GetChatClient(string model) => client;
}

/// <summary>Answers from a script and reports usage from <see cref="TokenEstimate"/>.</summary>
internal sealed class CountingChatClient(Func<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options), ChatResponse> script) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var response = script((list, options));
        var prompt = TokenEstimate.Prompt(list, options);
        var completion = TokenEstimate.Completion(response);
        response.Usage = new UsageDetails { InputTokenCount = prompt, OutputTokenCount = completion, TotalTokenCount = prompt + completion };
        return Task.FromResult(response);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
