namespace Gateway.State;

/// <summary>What the gateway remembers of a routed request, so that feedback can be tied to it.</summary>
public sealed record RequestRecord(
    string RequestId,
    string PromptHash,
    string? Prompt,
    string Model,
    long PromptTokens,
    long CompletionTokens,
    DateTimeOffset At);

/// <summary>A request with the score a caller gave it: one training outcome for the router.</summary>
public sealed record FeedbackOutcome(RequestRecord Request, double Score, DateTimeOffset ScoredAt);

/// <summary>Routing feedback: <c>POST /v1/feedback {request_id, score}</c>, exported as <c>outcomes.jsonl</c>.</summary>
public interface IFeedbackStore
{
    ValueTask RecordRequestAsync(RequestRecord record, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Attaches a score in [0,1] to a recorded request; false when the request id is unknown or expired.</summary>
    ValueTask<bool> AddFeedbackAsync(string requestId, double score, CancellationToken cancellationToken);

    IAsyncEnumerable<FeedbackOutcome> ExportAsync(CancellationToken cancellationToken);
}
