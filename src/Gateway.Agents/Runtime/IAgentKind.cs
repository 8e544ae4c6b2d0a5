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

    /// <summary>Runs to an answer. Throws <see cref="AgentRunException"/> when no answer is possible; <see cref="AgentLimitException"/> when a limit stops it.</summary>
    Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken);
}

/// <summary>What an agent kind returns: the answer and how the run ended.</summary>
public sealed record AgentOutcome(string Answer, AgentRunStatus Status = AgentRunStatus.Completed);
