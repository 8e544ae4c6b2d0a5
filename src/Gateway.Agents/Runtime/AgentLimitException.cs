namespace Gateway.Agents.Runtime;

/// <summary>A run hit one of its limits (token budget, run time); the agent answers with what it has.</summary>
internal sealed class AgentLimitException(string message) : Exception(message);

/// <summary>A run cannot go on (a plan that does not parse, a model that failed); carries a message for the caller.</summary>
public sealed class AgentRunException(string message, string code, Exception? inner = null, int? callerStatus = null) : Exception(message, inner)
{
    /// <summary>A machine-readable reason, e.g. <c>agent_plan_invalid</c>, <c>agent_model_error</c>.</summary>
    public string Code { get; } = code;

    /// <summary>
    /// Set when a role's call was refused for the caller's own reasons (401, 403, 429: the caller's
    /// key may not use the role's model, or its limits are spent), so the caller gets that status.
    /// </summary>
    public int? CallerStatus { get; } = callerStatus;
}
