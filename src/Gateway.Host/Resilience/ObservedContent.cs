using Gateway.Host.FrontDoor;
using Gateway.ServerSentEvents;

namespace Gateway.Host.Resilience;

/// <summary>An upstream body as the client will get it: read through an <see cref="ObservedStream"/>.</summary>
internal sealed class ObservedContent : ReadThroughContent
{
    private readonly GatewayRequestFeature _feature;
    private readonly TimeProvider _time;

    public ObservedContent(HttpContent inner, GatewayRequestFeature feature, TimeProvider time)
        : base(inner)
    {
        _feature = feature;
        _time = time;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (IsEventStream(inner))
        {
            // Events may be rewritten (a usage chunk the client did not ask for is dropped).
            Headers.ContentLength = null;
        }
    }

    private static bool IsEventStream(HttpContent content) =>
        string.Equals(content.Headers.ContentType?.MediaType, SseFraming.ContentType, StringComparison.OrdinalIgnoreCase);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new ObservedStream(await Inner.ReadAsStreamAsync(cancellationToken), _feature, IsEventStream(Inner), _time);
}
