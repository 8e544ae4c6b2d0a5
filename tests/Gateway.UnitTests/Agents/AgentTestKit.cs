using Gateway.Agents.Configuration;
using Gateway.Agents.ReAct;
using Gateway.Agents.ReWoo;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;
using Gateway.Agents.Umi;
using Gateway.TestUtilities.Agents;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using FunctionResultContent = Microsoft.Extensions.AI.FunctionResultContent;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Gateway.UnitTests.Agents;

/// <summary>Runs agents over scripted role models and hand-made tools.</summary>
internal static class AgentTestKit
{
    public const string Name = "test";

    public static AgentOptions Agent(string kind, Action<AgentOptions>? configure = null)
    {
        // The paper-style templates: most runtime tests read their prompts; the compact ones have their own tests.
        var agent = new AgentOptions { Kind = kind, Prompts = new PromptOptions { Style = PromptOptions.Paper } };
        foreach (var role in new[] { "planner", "solver", "caller", "summarizer", "actor" })
        {
            agent.Roles[role] = new RoleOptions { Model = role };
        }

        configure?.Invoke(agent);
        return agent;
    }

    public static Task<AgentRunResult> RunAsync(AgentOptions agent, ScriptedModelProvider models, IEnumerable<KernelFunction> tools,
        string task = "the task", IAgentEventSink? events = null, params IAgentKind[] extraKinds) =>
        Runner(agent, tools, extraKinds).RunAsync(Name, [new ChatMessage(ChatRole.User, task)], models, events, CancellationToken.None);

    /// <summary>Runs <paramref name="messages"/> (a conversation, maybe resuming a pause) offering the caller's <paramref name="clientTools"/>.</summary>
    public static Task<AgentRunResult> RunAsync(AgentOptions agent, ScriptedModelProvider models, IEnumerable<KernelFunction> tools,
        IReadOnlyList<ChatMessage> messages, ClientToolOffer clientTools, IAgentEventSink? events = null) =>
        Runner(agent, tools, []).RunAsync(Name, messages, clientTools, models, events, CancellationToken.None);

    public static AgentRunner Runner(AgentOptions agent, IEnumerable<KernelFunction> tools, IAgentKind[] extraKinds)
    {
        var definitions = new Definitions(new AgentSnapshot(new Dictionary<string, AgentOptions> { [Name] = agent }));
        var catalog = new ToolCatalog([new FunctionSource(tools)], NullLogger<ToolCatalog>.Instance);
        return new AgentRunner(definitions, [new ReWooAgent(), new UmiAgent(), new ReActAgent(), .. extraKinds], catalog, NullLogger<AgentRunner>.Instance);
    }

    /// <summary>A caller's tool taking one required string parameter, <c>city</c>.</summary>
    public static ClientTool ClientTool(string name) => new(name, $"The caller's {name} tool",
        System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement.Clone());

    /// <summary>The conversation a caller sends back after running a paused run's tool calls: the task, the paused answer, the results.</summary>
    public static List<ChatMessage> Resume(string task, AgentTrace paused, params string[] results)
    {
        var calls = paused.ToolCalls!;
        var assistant = new ChatMessage(ChatRole.Assistant, [
            .. paused.Answer.Length > 0 ? new AIContent[] { new TextContent(paused.Answer) } : [],
            .. calls.Select(c => (AIContent)new FunctionCallContent(c.Id, c.Name,
                System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(c.Arguments, AIJsonUtilities.DefaultOptions))),
        ]);
        List<ChatMessage> messages = [new(ChatRole.User, task), assistant];
        messages.AddRange(calls.Select((c, i) => new ChatMessage(ChatRole.Tool, [new FunctionResultContent(c.Id, results[i])])));
        return messages;
    }

    public static KernelFunction Tool(string name, Func<string, string> body) =>
        KernelFunctionFactory.CreateFromMethod((string input) => body(input), name, $"The {name} tool");

    public static KernelFunction AsyncTool(string name, Func<string, CancellationToken, Task<string>> body) =>
        KernelFunctionFactory.CreateFromMethod((string input, CancellationToken cancellationToken) => body(input, cancellationToken), name, $"The {name} tool");

    private sealed class Definitions(AgentSnapshot snapshot) : IAgentDefinitions
    {
        public AgentSnapshot Current => snapshot;
    }

    private sealed class FunctionSource(IEnumerable<KernelFunction> functions) : IAgentToolSource
    {
        public string Name => "test";

        public ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<KernelPlugin>>([KernelPluginFactory.CreateFromFunctions("test", functions)]);
    }
}

/// <summary>Records a run's events in order, and the answer's pieces when it streams.</summary>
internal sealed class RecordingEventSink : IAgentAnswerSink
{
    public List<AgentEvent> Events { get; } = [];

    public List<string> AnswerPieces { get; } = [];

    public ValueTask AnswerDeltaAsync(string text, CancellationToken cancellationToken)
    {
        AnswerPieces.Add(text);
        return ValueTask.CompletedTask;
    }

    public ValueTask EmitAsync(AgentEvent agentEvent, CancellationToken cancellationToken)
    {
        lock (Events)
        {
            Events.Add(agentEvent);
        }

        return ValueTask.CompletedTask;
    }
}
