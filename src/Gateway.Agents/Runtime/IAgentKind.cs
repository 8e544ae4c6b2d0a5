namespace Gateway.Agents.Runtime;

/// <summary>
/// An agent algorithm, chosen by <c>Gateway:Agents:&lt;name&gt;:Kind</c>. Register more in DI
/// (<c>services.AddSingleton&lt;IAgentKind, MyKind&gt;()</c>) and any agent definition with that
/// kind runs it, behind <c>model: "agent:&lt;name&gt;"</c> and <c>/v1/agents/&lt;name&gt;/runs</c>.
/// </summary>
public interface IAgentKind
{
    /// <summary>The <c>Kind</c> value that selects this algorithm (<c>rewoo</c>, <c>umi</c>, <c>react</c>).</summary>
    string Kind { get; }

    /// <summary>
    /// Whether the kind can call the caller's own tools (<see cref="AgentRun.ClientTools"/>): pause the run with
    /// <see cref="AgentOutcome.AwaitingClient"/> and resume, statelessly, from the conversation the caller sends back
    /// with the results. Requests offering tools to a kind that cannot are rejected (400).
    /// </summary>
    bool SupportsClientTools => false;

    /// <summary>Runs to an answer. Throws <see cref="AgentRunException"/> when no answer is possible; <see cref="AgentLimitException"/> when a limit stops it.</summary>
    Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken);
}

/// <summary>
/// What an agent kind returns: the answer and how the run ended. A run paused for the caller's tools carries
/// their calls in <see cref="ClientCalls"/> and, as its answer, the text the kind needs back to resume.
/// </summary>
public sealed record AgentOutcome(string Answer, AgentRunStatus Status = AgentRunStatus.Completed, IReadOnlyList<ClientToolCall>? ClientCalls = null)
{
    /// <summary>
    /// The run stops until the caller has run <paramref name="calls"/>. <paramref name="content"/> becomes the assistant
    /// message's <c>content</c> next to its <c>tool_calls</c>: the caller sends it back unchanged with the results.
    /// </summary>
    public static AgentOutcome AwaitingClient(string content, IReadOnlyList<ClientToolCall> calls) =>
        new(content, AgentRunStatus.AwaitingClient, calls);
}
