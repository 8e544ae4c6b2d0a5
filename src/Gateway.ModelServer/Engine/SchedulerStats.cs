namespace Gateway.ModelServer.Engine;

/// <summary>Counters describing how the scheduler batched its work; shown on <c>/health</c>.</summary>
internal sealed record SchedulerStats(
    int Active,
    int Queued,
    long DecodeSteps,
    long SharedSteps,
    int PeakBatchSequences,
    long GeneratedTokens,
    long CompletedRequests,
    long CancelledRequests,
    long RejectedRequests,
    long SequenceMoves,
    long PrefixCacheHits,
    long CachedPromptTokens);
