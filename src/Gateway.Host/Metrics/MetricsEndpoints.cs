using Gateway.Host.Configuration;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Gateway.Host.Metrics;

/// <summary>Serves Prometheus <c>/metrics</c> on the main port or on a separate management port.</summary>
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
            app.MapMetrics("/metrics");
        }

        return app;
    }
}
