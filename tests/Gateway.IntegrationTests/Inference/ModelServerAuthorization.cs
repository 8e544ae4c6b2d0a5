using Gateway.Inference.Pool;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// Adds the per-launch key of the pool's ModelServer at a request's address, as the gateway's own requests carry it,
/// unless the request already has an <c>Authorization</c>. Tests that talk to a ModelServer directly send through it.
/// </summary>
internal sealed class ModelServerAuthorization(Func<ModelPool?> pool) : DelegatingHandler(new HttpClientHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && request.RequestUri is { } uri && pool()?.AuthorizationFor(uri) is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
