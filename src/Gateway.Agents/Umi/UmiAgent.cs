using Gateway.Agents.Runtime;

namespace Gateway.Agents.Umi;

/// <summary>Placeholder replaced below.</summary>
public sealed class UmiAgent : IAgentKind
{
    public string Kind => "umi";

    public Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken) => throw new NotSupportedException();
}
