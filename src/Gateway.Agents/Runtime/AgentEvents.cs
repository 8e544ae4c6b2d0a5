using System.Text.Json.Nodes;

namespace Gateway.Agents.Runtime;

/// <summary>
/// Something that happened in a run, streamed to the caller before the answer: <c>plan</c>,
/// <c>thought</c>, <c>tool_call</c>, <c>tool_result</c>. <see cref="Data"/> is the event's JSON payload.
/// </summary>
public sealed record AgentEvent(string Type, JsonObject Data);

/// <summary>Receives a run's events as they happen (the SSE writer, or nothing).</summary>
public interface IAgentEventSink
{
    /// <summary>
    /// Takes one event. Called from the run's own flow, also from parallel tool steps, so an implementation that
    /// writes to one stream must serialise its writes.
    /// </summary>
    ValueTask EmitAsync(AgentEvent agentEvent, CancellationToken cancellationToken);
}

/// <summary>
/// A sink that also takes the final answer as it is generated: agents then stream their answering
/// role's call and hand each piece of text here instead of returning the answer in one piece.
/// </summary>
public interface IAgentAnswerSink : IAgentEventSink
{
    /// <summary>Takes the next piece of the answer's text (never empty); the pieces in order make the whole answer.</summary>
    ValueTask AnswerDeltaAsync(string text, CancellationToken cancellationToken);
}

/// <summary>Drops every event.</summary>
internal sealed class NullAgentEventSink : IAgentEventSink
{
    public static NullAgentEventSink Instance { get; } = new();

    public ValueTask EmitAsync(AgentEvent agentEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
