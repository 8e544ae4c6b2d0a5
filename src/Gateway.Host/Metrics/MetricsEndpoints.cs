using Gateway.Host.Configuration;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Gateway.Host.Metrics;

/// <summary>
/// Serves Prometheus <c>/metrics</c> on a separate management port (open: keep that port off the public network), or
/// on the main port for admin keys only (Prometheus sends one with <c>authorization: {credentials: ...}</c>): the
/// series name keys, their spend and the upstreams.
/// </summary>
internal static class MetricsEndpoints
{
    public static WebApplication MapGatewayMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Metrics;
        if (!options.Enabled)
        {
            return app;
        }

        // Make sure every gateway series exists (at zero) from the first scrape on.
        app.Services.GetRequiredService<GatewayMetrics>();
        if (options.Port is { } port)
        {
            var server = new KestrelMetricServer(port: port);
            app.Lifetime.ApplicationStarted.Register(() => server.Start());
            app.Lifetime.ApplicationStopping.Register(() => server.Dispose());
        }
        else
        {
            app.MapMetrics("/metrics").RequireAuthorization(Auth.GatewayPolicies.Admin);
        }

        return app;
    }
}
