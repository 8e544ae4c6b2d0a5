using Gateway.Agents.Configuration;
using Gateway.Agents.Runtime;
using Gateway.Host.Configuration;

namespace Gateway.Host.Agents;

/// <summary><c>Gateway:Agents</c> as a reloading snapshot: an invalid reload is logged and the last good definitions stay.</summary>
internal sealed class AgentDefinitions(ReloadingSnapshot<AgentSnapshot> snapshot) : IAgentDefinitions
{
    public AgentSnapshot Current => snapshot.Current;
}
