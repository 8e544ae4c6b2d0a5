using Gateway.Agents.Configuration;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Runtime;

/// <summary>The models of a run's roles, each a <see cref="RoleChatClient"/> on the role's configured model.</summary>
public sealed class RoleModels
{
    private readonly AgentOptions _agent;
    private readonly IAgentModelProvider _provider;
    private readonly AgentTraceBuilder _trace;
    private readonly Dictionary<string, RoleChatClient> _clients = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the role models of one run; each role's client is made on first use.</summary>
    /// <param name="agent">The agent's definition: its roles, default role and token budget.</param>
    /// <param name="provider">Gives the chat client of each role's model.</param>
    /// <param name="trace">Where every call's usage and time are recorded, and the budget is checked against.</param>
    public RoleModels(AgentOptions agent, IAgentModelProvider provider, AgentTraceBuilder trace)
    {
        _agent = agent;
        _provider = provider;
        _trace = trace;
    }

    /// <summary>The settings of <paramref name="role"/> (case-insensitive), or the agent's default role when it lists none for it.</summary>
    public RoleOptions Settings(string role) => _agent.Roles.TryGetValue(role, out var options) ? options : _agent.DefaultRole;

    /// <summary>The chat client of <paramref name="role"/>: its model, settings, budget and usage accounting.</summary>
    public IChatClient For(string role)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(role, out var client))
            {
                var settings = Settings(role);
                client = new RoleChatClient(_provider.GetChatClient(settings.Model), role, settings, _agent.Limits.MaxTotalTokens, _trace);
                _clients[role] = client;
            }

            return client;
        }
    }

    /// <summary>One chat call as <paramref name="role"/>; <paramref name="configure"/> adds tools or a response format.</summary>
    public Task<ChatResponse> CompleteAsync(string role, IList<ChatMessage> messages, Action<ChatOptions>? configure, CancellationToken cancellationToken)
    {
        var options = new ChatOptions();
        configure?.Invoke(options);
        return For(role).GetResponseAsync(messages, options, cancellationToken);
    }
}
