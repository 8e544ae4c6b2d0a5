using System.Text.Json.Serialization;

namespace Gateway.Agents.Runtime;

/// <summary>How a run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentRunStatus>))]
public enum AgentRunStatus
{
    /// <summary>The agent answered.</summary>
    [JsonStringEnumMemberName("completed")] Completed,
    /// <summary>The planner gave up (alpha-UMi's <c>give up</c>); the answer says so.</summary>
    [JsonStringEnumMemberName("gave_up")] GaveUp,
    /// <summary>A limit (iterations, tokens, run time) ended the run early; the answer is the best available.</summary>
    [JsonStringEnumMemberName("limit_reached")] LimitReached,
    /// <summary>The run could not answer (an unusable plan, a model error, an unknown agent); <c>error</c> says why.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>The agent called the caller's own tools (<c>tool_calls</c>); the caller runs them and sends the results back to resume.</summary>
    [JsonStringEnumMemberName("awaiting_client")] AwaitingClient,
}

/// <summary>One planned ReWOO step.</summary>
public sealed record PlannedStep(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("plan")] string Plan,
    [property: JsonPropertyName("depends_on")] IReadOnlyList<string> DependsOn);

/// <summary>One tool call as it ran; a call of the caller's own tool has status <c>client</c> and no output (the caller runs it).</summary>
public sealed record StepTrace(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("started_ms")] double StartedMilliseconds,
    [property: JsonPropertyName("duration_ms")] double DurationMilliseconds);

/// <summary>One model turn that is not a tool call: a planner's thought and decision, a refinement, an answer.</summary>
public sealed record TurnTrace(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("next")] string? Next = null);

/// <summary>What one role spent.</summary>
public sealed record RoleUsage(
    [property: JsonPropertyName("models")] IReadOnlyList<string> Models,
    [property: JsonPropertyName("calls")] int Calls,
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens);

/// <summary>The full record of one agent run, as <c>POST /v1/agents/{name}/runs</c> returns it.</summary>
public sealed record AgentTrace(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("agent")] string Agent,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("status")] AgentRunStatus Status,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("plan")] IReadOnlyList<PlannedStep>? Plan,
    [property: JsonPropertyName("steps")] IReadOnlyList<StepTrace> Steps,
    [property: JsonPropertyName("turns")] IReadOnlyList<TurnTrace> Turns,
    [property: JsonPropertyName("roles")] IReadOnlyDictionary<string, RoleUsage> Roles,
    [property: JsonPropertyName("usage")] TraceUsage Usage,
    [property: JsonPropertyName("timings")] IReadOnlyDictionary<string, double> TimingsMilliseconds,
    [property: JsonPropertyName("tool_calls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ClientToolCall>? ToolCalls = null);

/// <summary>Tokens spent by every model call of a run, over all roles, as in an OpenAI <c>usage</c> object.</summary>
/// <param name="PromptTokens">Prompt tokens of every call.</param>
/// <param name="CompletionTokens">Completion tokens of every call.</param>
/// <param name="TotalTokens">Prompt plus completion tokens.</param>
public sealed record TraceUsage(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);
