namespace Gateway.State;

/// <summary>A cached upstream answer: status, content type and the exact body bytes (an SSE stream for streamed requests).</summary>
public sealed record CachedResponse(int Status, string ContentType, byte[] Body, string Model);

/// <summary>Exact-match response cache keyed by a hash of the normalised request.</summary>
public interface IResponseCache
{
    ValueTask<CachedResponse?> GetAsync(string requestHash, CancellationToken cancellationToken);

    ValueTask SetAsync(string requestHash, CachedResponse response, TimeSpan timeToLive, CancellationToken cancellationToken);
}
