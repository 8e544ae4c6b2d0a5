using Gateway.Host.Proxy;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// First step of the front door: names the operation, and once every later step is done, however it ended (an
/// answer, a 4xx, a broken stream, a caller who hung up, an exception), settles the request with
/// <see cref="RequestAccounting"/> and returns the pooled body.
/// </summary>
internal sealed class AccountingStep(RequestDelegate next, RequestAccounting accounting)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        feature.Operation = CatalogProxyConfigProvider.OperationOf(context.GetRouteModel().Config.RouteId);
        try
        {
            await next(context);
        }
        finally
        {
            try
            {
                await accounting.CompleteAsync(context, feature);
            }
            finally
            {
                feature.ReturnBody();
            }
        }
    }
}
