using Gateway.Host.Proxy;
using Gateway.Host.Telemetry;
using Microsoft.Extensions.Options;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// First step of the front door: names the operation, opens the request's span (when tracing samples it), and once
/// every later step is done, however it ended (an answer, a 4xx, a broken stream, a caller who hung up, an
/// exception), completes the span, settles the request with <see cref="RequestAccounting"/> and returns the pooled body.
/// </summary>
internal sealed class AccountingStep(RequestDelegate next, RequestAccounting accounting, IOptions<TelemetryOptions> telemetry)
{
    private readonly TelemetryOptions _telemetry = telemetry.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        var operation = CatalogProxyConfigProvider.OperationOf(context.GetRouteModel().Config.RouteId);
        feature.Operation = operation;
        // Null unless tracing is on and samples this request: nothing below does span work then.
        using var span = GatewayTracing.Start(GatewayTracing.OperationOf(operation));
        if (span is not null)
        {
            RequestSpans.Start(span, feature, _telemetry);
        }

        try
        {
            await next(context);
        }
        finally
        {
            try
            {
                if (span is not null)
                {
                    RequestSpans.Complete(span, context, feature, _telemetry);
                }

                await accounting.CompleteAsync(context, feature);
            }
            finally
            {
                feature.ReturnBody();
            }
        }
    }
}
