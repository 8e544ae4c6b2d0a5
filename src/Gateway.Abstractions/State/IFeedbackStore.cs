namespace Gateway.State;

/// <summary>What the gateway remembers of a routed request, so that feedback can be tied to it.</summary>
public sealed record RequestRecord(
    string RequestId,
    string PromptHash,
    string? Prompt,
    string Model,
    long PromptTokens,
    long CompletionTokens,
    DateTimeOffset At)
{
    /// <summary>The id of the key that made the request: only that key (or an admin) may score it.</summary>
    public string? KeyId { get; init; }

    /// <summary>The W3C trace id of the request's span (32 hex digits) when tracing was on, to find its trace from a feedback record.</summary>
    public string? TraceId { get; init; }
}

/// <summary>A request with the score a caller gave it: one training outcome for the router.</summary>
public sealed record FeedbackOutcome(RequestRecord Request, double Score, DateTimeOffset ScoredAt);

/// <summary>Routing feedback: <c>POST /v1/feedback {request_id, score}</c>, exported as <c>outcomes.jsonl</c>.</summary>
public interface IFeedbackStore
{
    /// <summary>
    /// Remembers a request. Request ids may be chosen by callers (<c>x-request-id</c>), so a record never replaces
    /// one of the same id that another key made: the first key to use an id keeps it until it expires.
    /// </summary>
    ValueTask RecordRequestAsync(RequestRecord record, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>
    /// Attaches a score in [0,1] to a recorded request made by the key <paramref name="keyId"/> (null: any key, for
    /// admins); false when the request id is unknown, expired or another key's.
    /// </summary>
    ValueTask<bool> AddFeedbackAsync(string requestId, double score, string? keyId, CancellationToken cancellationToken);

    /// <summary>
    /// Every scored request the store still holds, in the order the scores arrived, streamed so an admin export of <c>outcomes.jsonl</c> never holds
    /// the whole set in memory. A store that cannot be read throws <see cref="StateStoreUnavailableException"/>.
    /// </summary>
    IAsyncEnumerable<FeedbackOutcome> ExportAsync(CancellationToken cancellationToken);
}
