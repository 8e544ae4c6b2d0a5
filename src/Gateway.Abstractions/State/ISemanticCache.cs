namespace Gateway.State;

/// <summary>A semantic cache hit: the stored answer and how close its question was to the one asked (cosine, 0 to 1).</summary>
public sealed record SemanticHit(CachedResponse Response, float Similarity);

/// <summary>
/// Answers kept under an embedding of the question that produced them, inside a partition: a lookup only ever
/// compares against the entries of the partition it names, so two callers share an answer only when they name the
/// same partition (the gateway puts the tenant, the model and every answer-changing parameter into it).
/// </summary>
public interface ISemanticCache
{
    /// <summary>
    /// The unexpired entry of <paramref name="partition"/> whose embedding is closest to <paramref name="embedding"/>
    /// (an L2-normalised vector), when its cosine similarity is at least <paramref name="threshold"/>; null otherwise.
    /// A store that fails open answers a failure with a miss; one that fails closed throws
    /// <see cref="StateStoreUnavailableException"/>.
    /// </summary>
    ValueTask<SemanticHit?> FindAsync(string partition, ReadOnlyMemory<float> embedding, float threshold, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an answer for <paramref name="timeToLive"/>. Best effort, like <see cref="IResponseCache.SetAsync"/>:
    /// a non-positive time to live, an answer too large for the store or a store failure leaves the cache unchanged
    /// and does not throw. Bounds are kept by evicting the oldest entries.
    /// </summary>
    ValueTask SetAsync(string partition, ReadOnlyMemory<float> embedding, CachedResponse response, TimeSpan timeToLive, CancellationToken cancellationToken);
}
