using System.Diagnostics;
using Gateway.Agents.Configuration;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Runtime;

/// <summary>
/// The models of a run's roles. Every call applies the role's settings (model, max tokens,
/// temperature, seed), enforces the run's token budget, and records the role's usage in the trace.
/// </summary>
public sealed class RoleModels
{
    private readonly AgentOptions _agent;
    private readonly IAgentModelProvider _provider;
    private readonly AgentTraceBuilder _trace;

    public RoleModels(AgentOptions agent, IAgentModelProvider provider, AgentTraceBuilder trace)
    {
        _agent = agent;
        _provider = provider;
        _trace = trace;
    }

    public RoleOptions Settings(string role) => _agent.Roles.TryGetValue(role, out var options) ? options : _agent.DefaultRole;

    /// <summary>One chat call as <paramref name="role"/>; <paramref name="configure"/> adds tools or a response format.</summary>
    public async Task<ChatResponse> CompleteAsync(string role, IList<ChatMessage> messages, Action<ChatOptions>? configure, CancellationToken cancellationToken)
    {
        var budget = _agent.Limits.MaxTotalTokens;
        if (budget > 0 && _trace.TotalTokens >= budget)
        {
            throw new AgentLimitException($"The run spent its token budget ({_trace.TotalTokens} of {budget} tokens) before the {role} could answer.");
        }

        var settings = Settings(role);
        var options = new ChatOptions
        {
            MaxOutputTokens = settings.MaxTokens,
            Temperature = settings.Temperature,
            Seed = settings.Seed,
        };
        configure?.Invoke(options);
        var start = Stopwatch.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await _provider.GetChatClient(settings.Model).GetResponseAsync(messages, options, cancellationToken);
        }
        catch (System.ClientModel.ClientResultException ex) when (ex.Status is 401 or 403 or 429)
        {
            throw new AgentRunException($"The {role} model '{settings.Model}' refused the call: {ex.Message}",
                ex.Status == 429 ? "rate_limit_exceeded" : "agent_model_not_allowed", ex, ex.Status);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not AgentLimitException)
        {
            throw new AgentRunException($"The {role} model '{settings.Model}' failed: {ex.Message}", "agent_model_error", ex);
        }

        _trace.AddTiming(role, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        _trace.AddUsage(role, response.ModelId ?? settings.Model, response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0);
        return response;
    }
}
