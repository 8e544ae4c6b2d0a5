namespace Gateway.State;

/// <summary>A cached upstream answer: status, content type and the exact body bytes (an SSE stream for streamed requests).</summary>
public sealed record CachedResponse(int Status, string ContentType, byte[] Body, string Model);

/// <summary>Exact-match response cache keyed by a hash of the normalised request.</summary>
public interface IResponseCache
{
    /// <summary>
    /// The unexpired answer stored under <paramref name="requestHash"/>, or null on a miss. A store that fails open
    /// answers a failure with a miss; one that fails closed throws <see cref="StateStoreUnavailableException"/>.
    /// </summary>
    ValueTask<CachedResponse?> GetAsync(string requestHash, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an answer for <paramref name="timeToLive"/>, replacing any under the same hash. Best effort: a
    /// non-positive time to live, an answer too large for the store, or a store failure leaves the cache unchanged
    /// and does not throw, since a cache miss later costs only an upstream call.
    /// </summary>
    ValueTask SetAsync(string requestHash, CachedResponse response, TimeSpan timeToLive, CancellationToken cancellationToken);
}
