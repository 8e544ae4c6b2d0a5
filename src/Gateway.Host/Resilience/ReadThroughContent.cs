using System.Net;

namespace Gateway.Host.Resilience;

/// <summary>
/// An upstream body handed on through a stream wrapped around the inner content's: its length is unknown until it is
/// read (the wrapper may rewrite it), serializing it reads it through the wrapper, and disposing it disposes the inner
/// content.
/// </summary>
internal abstract class ReadThroughContent : HttpContent
{
    protected ReadThroughContent(HttpContent inner)
    {
        Inner = inner;
    }

    /// <summary>The upstream's content the wrapper reads.</summary>
    protected HttpContent Inner { get; }

    protected abstract override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var wrapped = await CreateContentReadStreamAsync();
        await wrapped.CopyToAsync(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
