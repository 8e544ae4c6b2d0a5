namespace Gateway.ModelServer.Engine;

/// <summary>
/// Counters describing how the scheduler batched its work; shown on <c>/health</c>. <see cref="Active"/> and
/// <see cref="Queued"/> count every job; the <c>Background</c> counters the batch lines among them.
/// </summary>
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
    long CachedPromptTokens,
    int BackgroundActive = 0,
    int BackgroundQueued = 0,
    long BackgroundAdmitted = 0);
