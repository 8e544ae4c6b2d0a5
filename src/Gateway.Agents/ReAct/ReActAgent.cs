using Gateway.Agents.Runtime;

namespace Gateway.Agents.ReAct;

/// <summary>Placeholder replaced below.</summary>
public sealed class ReActAgent : IAgentKind
{
    public string Kind => "react";

    public Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken) => throw new NotSupportedException();
}
