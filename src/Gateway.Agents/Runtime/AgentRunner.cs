using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Runtime;

/// <summary>The result of a run: its trace, and for a failed run a machine-readable reason.</summary>
public sealed record AgentRunResult(AgentTrace Trace, string? ErrorCode, int? CallerStatus = null)
{
    /// <summary>The steps of the trace the gateway ran itself (<see cref="AgentTraceBuilder.GatewayTools"/>); any other step name came from a model or the caller.</summary>
    public IReadOnlySet<string> GatewayTools { get; init; } = new HashSet<string>();
}

/// <summary>
/// Runs agents by name: looks up the definition, picks its <see cref="IAgentKind"/>, gathers its
/// tools, and returns the trace whatever happens: a limit ends the run with the best answer so far,
/// a failure ends it with an error and a reason.
/// </summary>
public sealed partial class AgentRunner
{
    private readonly IAgentDefinitions _definitions;
    private readonly IReadOnlyDictionary<string, IAgentKind> _kinds;
    private readonly ToolCatalog _tools;
    private readonly ILogger<AgentRunner> _logger;

    /// <summary>Creates the runner; registered as a singleton by <c>AddAgentRuntime</c>.</summary>
    /// <param name="definitions">The current agent definitions, read afresh for each run.</param>
    /// <param name="kinds">The agent algorithms, by <see cref="IAgentKind.Kind"/> (case-insensitive); every kind a definition names must be here.</param>
    /// <param name="tools">Where each run's tools come from.</param>
    /// <param name="logger">Where failed runs are logged.</param>
    public AgentRunner(IAgentDefinitions definitions, IEnumerable<IAgentKind> kinds, ToolCatalog tools, ILogger<AgentRunner> logger)
    {
        _definitions = definitions;
        _kinds = kinds.ToDictionary(k => k.Kind, StringComparer.OrdinalIgnoreCase);
        _tools = tools;
        _logger = logger;
    }

    /// <summary>The definition behind <paramref name="name"/> (without the <c>agent:</c> prefix), or null.</summary>
    public AgentOptions? Find(string name) => _definitions.Current.Find(name);

    /// <summary>
    /// Every agent and its definition in name order, read from one snapshot, so a reload between reading the names
    /// and their definitions cannot leave a name without one.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, AgentOptions>> Definitions =>
        [.. _definitions.Current.Agents.OrderBy(a => a.Key, StringComparer.Ordinal)];

    /// <summary>
    /// Why the agent <paramref name="name"/> would refuse <paramref name="clientTools"/> (see <see cref="ClientToolOffer.Check"/>),
    /// or null; lets a caller be told before a streamed answer starts.
    /// </summary>
    public async Task<ClientToolRejection?> CheckClientToolsAsync(string name, ClientToolOffer clientTools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientTools);
        if (Find(name) is not { } definition || clientTools.Tools.Count == 0)
        {
            return null; // An agent removed by a reload since the caller resolved it: the run says so.
        }

        var tools = await _tools.GetToolsAsync(definition.Tools, cancellationToken);
        return clientTools.Check(name, _kinds[definition.Kind], tools);
    }

    /// <summary>
    /// Runs the agent <paramref name="name"/> (without the <c>agent:</c> prefix) on <paramref name="messages"/>, with only
    /// its own tools. Never throws for a failed run: the result's trace and error code say what happened.
    /// </summary>
    /// <param name="name">The agent's name; an unknown name gives a failed run with <c>model_not_found</c> (404).</param>
    /// <param name="messages">The caller's conversation; the last user message is the task.</param>
    /// <param name="models">Gives each role's chat client, routed as the caller's own requests are.</param>
    /// <param name="events">Receives the run's events as they happen; null to drop them.</param>
    /// <param name="cancellationToken">The caller's cancellation; the run's own time limit is applied on top.</param>
    public Task<AgentRunResult> RunAsync(string name, IReadOnlyList<ChatMessage> messages, IAgentModelProvider models,
        IAgentEventSink? events, CancellationToken cancellationToken) =>
        RunAsync(name, messages, ClientToolOffer.None, models, events, cancellationToken);

    /// <summary>
    /// Runs the agent on <paramref name="messages"/>, offering it the caller's own tools too. A run that calls one of
    /// them ends with <see cref="AgentRunStatus.AwaitingClient"/> and the calls in the trace's <c>tool_calls</c>.
    /// </summary>
    public async Task<AgentRunResult> RunAsync(string name, IReadOnlyList<ChatMessage> messages, ClientToolOffer clientTools, IAgentModelProvider models,
        IAgentEventSink? events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientTools);
        var trace = new AgentTraceBuilder("run_" + Guid.NewGuid().ToString("N"));
        if (Find(name) is not { } definition)
        {
            // A reload removed it after the caller resolved the name.
            var missing = $"There is no agent named '{name}'.";
            return Result(trace, trace.Build(name, "", AgentRunStatus.Failed, "", missing), "model_not_found", 404);
        }

        var kind = _kinds[definition.Kind];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(definition.Limits.RunTimeout);
        try
        {
            var tools = await _tools.GetToolsAsync(definition.Tools, timeout.Token);
            trace.AddGatewayTools(tools.Select(t => t.Name));
            if (clientTools.Check(name, kind, tools) is { } rejected)
            {
                throw new AgentRunException(rejected.Message, rejected.Code, callerStatus: 400);
            }

            var run = new AgentRun
            {
                Name = name,
                Definition = definition,
                Messages = messages,
                Models = new RoleModels(definition, models, trace),
                Tools = tools,
                ClientTools = clientTools.Tools,
                ParallelClientCalls = clientTools.ParallelCalls,
                Kernel = new Kernel(),
                Trace = trace,
                Events = events ?? NullAgentEventSink.Instance,
            };
            var outcome = await kind.RunAsync(run, timeout.Token);
            return Result(trace, trace.Build(name, kind.Kind, outcome.Status, outcome.Answer, null, outcome.ClientCalls), null);
        }
        catch (AgentLimitException ex)
        {
            return Result(trace, trace.Build(name, kind.Kind, AgentRunStatus.LimitReached, $"The agent stopped before finishing: {ex.Message}", ex.Message), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var message = $"The run took longer than its limit of {definition.Limits.RunTimeout.TotalSeconds:0.###} s.";
            return Result(trace, trace.Build(name, kind.Kind, AgentRunStatus.LimitReached, $"The agent stopped before finishing: {message}", message), null);
        }
        catch (AgentRunException ex)
        {
            LogRunFailed(_logger, name, trace.Id, ex.Code, ex.Message);
            return Result(trace, trace.Build(name, kind.Kind, AgentRunStatus.Failed, "", ex.Message), ex.Code, ex.CallerStatus);
        }
    }

    private static AgentRunResult Result(AgentTraceBuilder builder, AgentTrace trace, string? errorCode, int? callerStatus = null) =>
        new(trace, errorCode, callerStatus) { GatewayTools = builder.GatewayTools };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent '{Agent}' run {RunId} failed ({Code}): {Reason}")]
    private static partial void LogRunFailed(ILogger logger, string agent, string runId, string code, string reason);
}

/// <summary>The current agent definitions (reloaded with the configuration).</summary>
public interface IAgentDefinitions
{
    /// <summary>The last valid snapshot; an invalid reload leaves it in place. Read once per use, since it may change between reads.</summary>
    AgentSnapshot Current { get; }
}
