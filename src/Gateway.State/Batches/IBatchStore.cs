namespace Gateway.State.Batches;

/// <summary>
/// Where the Batches API keeps uploaded files, batches and each batch's finished lines: on disk for a single gateway,
/// in Redis when one is configured (so a restarted gateway, or another replica, resumes the batch). Every record
/// names its owner (a key id); the store does not check it, the endpoints do.
/// </summary>
internal interface IBatchStore
{
    Task SaveFileAsync(StoredBatchFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    Task<StoredBatchFile?> GetFileAsync(string id, CancellationToken cancellationToken = default);

    Task<byte[]?> ReadFileContentAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredBatchFile>> ListFilesAsync(string owner, CancellationToken cancellationToken = default);

    Task<bool> DeleteFileAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the batch record whole.</summary>
    Task SaveBatchAsync(StoredBatch batch, CancellationToken cancellationToken = default);

    Task<StoredBatch?> GetBatchAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The owner's batches, or every batch when <paramref name="owner"/> is null (to resume them at start).</summary>
    Task<IReadOnlyList<StoredBatch>> ListBatchesAsync(string? owner, CancellationToken cancellationToken = default);

    /// <summary>Records one finished line; a line recorded twice keeps its first result when read back.</summary>
    Task AppendResultAsync(string batchId, BatchLineResult result, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BatchLineResult>> ReadResultsAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>Drops the line results of a batch whose output files are written.</summary>
    Task DeleteResultsAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>Whether replicas share the store (Redis): then they claim batches before running them.</summary>
    bool IsShared { get; }

    /// <summary>
    /// Claims the batch for <paramref name="runner"/> for <paramref name="lease"/>, or extends its own claim: true when
    /// <paramref name="runner"/> holds it now. Replicas sharing the store run each batch on one of them; a claim not
    /// extended (its replica stopped) lapses, and another replica takes the batch over.
    /// </summary>
    Task<bool> TryClaimAsync(string batchId, string runner, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Gives up <paramref name="runner"/>'s claim on the batch (nothing when another runner holds it).</summary>
    Task ReleaseClaimAsync(string batchId, string runner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the batch was cancelled, apart from its record, so the replica running it sees the cancel even if it
    /// writes the record over in between. Kept for <paramref name="keep"/>.
    /// </summary>
    Task RequestCancelAsync(string batchId, TimeSpan keep, CancellationToken cancellationToken = default);

    /// <summary>Whether <see cref="RequestCancelAsync"/> was called for the batch.</summary>
    Task<bool> IsCancelRequestedAsync(string batchId, CancellationToken cancellationToken = default);
}

/// <summary>An uploaded file (<c>purpose</c> <c>batch</c>) or a batch's output (<c>batch_output</c>).</summary>
internal sealed record StoredBatchFile(string Id, string Owner, string Filename, string Purpose, long Bytes, long CreatedAt);

/// <summary>One finished line: its index in the input, whether it succeeded, and its output line's JSON.</summary>
internal sealed record BatchLineResult(int Line, bool Succeeded, string Json);

/// <summary>A batch as stored; replaced whole on every change.</summary>
internal sealed record StoredBatch
{
    public required string Id { get; init; }

    /// <summary>The id of the key that created it.</summary>
    public required string Owner { get; init; }

    /// <summary>The SHA-256 of the owner's key: its lines are sent as that key, which may have been revoked since.</summary>
    public required string OwnerKeyHash { get; init; }

    public required string Endpoint { get; init; }
    public required string InputFileId { get; init; }
    public string CompletionWindow { get; init; } = "24h";
    public required string Status { get; init; }
    public long CreatedAt { get; init; }
    public long ExpiresAt { get; init; }
    public long? InProgressAt { get; init; }
    public long? FinalizingAt { get; init; }
    public long? CompletedAt { get; init; }
    public long? FailedAt { get; init; }
    public long? ExpiredAt { get; init; }
    public long? CancellingAt { get; init; }
    public long? CancelledAt { get; init; }
    public string? OutputFileId { get; init; }
    public string? ErrorFileId { get; init; }
    public int Total { get; init; }
    public int Completed { get; init; }
    public int Failed { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Why the whole batch failed (null unless it did).</summary>
    public IReadOnlyList<StoredBatchError>? Errors { get; init; }

    public bool IsTerminal => Status is BatchStatuses.Completed or BatchStatuses.Failed or BatchStatuses.Cancelled or BatchStatuses.Expired;
}

/// <summary>A batch-level error, in OpenAI's <c>errors.data[]</c> shape.</summary>
internal sealed record StoredBatchError(string Code, string Message, string? Param = null, int? Line = null);

/// <summary>OpenAI's batch statuses.</summary>
internal static class BatchStatuses
{
    public const string Validating = "validating";
    public const string InProgress = "in_progress";
    public const string Finalizing = "finalizing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Expired = "expired";
    public const string Cancelling = "cancelling";
    public const string Cancelled = "cancelled";
}
