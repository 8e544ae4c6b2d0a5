using Gateway.Errors;
using Gateway.Host.Catalog;
using Gateway.Host.FrontDoor;
using Gateway.Inference.Pool;

namespace Gateway.Host.LocalModels;

/// <summary>
/// The front door's view of the model pool: a request to a local model starts its server if
/// needed and holds it (no eviction, no idle unload) until the answer is sent. A model that cannot
/// serve now becomes a 503 that says why, and the request may fall back to the next candidate.
/// </summary>
internal sealed class LocalModelLeases
{
    private readonly ModelPool _pool;

    public LocalModelLeases(ModelPool pool) => _pool = pool;

    public async ValueTask<ModelLease?> AcquireAsync(CatalogModel model, GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        try
        {
            return await _pool.AcquireAsync(model.Name, cancellationToken);
        }
        catch (ModelUnavailableException ex)
        {
            feature.UpstreamError = GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                ex.Message, "model_unavailable") with
            { RetryAfter = ex.RetryAfter };
        }
        catch (UnknownModelException ex)
        {
            feature.UpstreamError = GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable, ex.Message, "model_unavailable");
        }

        return null;
    }
}
