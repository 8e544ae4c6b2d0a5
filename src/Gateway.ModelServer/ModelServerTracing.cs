using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.ModelServer;

/// <summary>
/// Spans of a model server, exported over OTLP when its supervisor passes an endpoint
/// (<c>GATEWAY_MODELSERVER_OTLP_TRACES_ENDPOINT</c>, <c>_PROTOCOL</c>, <c>_HEADERS</c>; the gateway sets them from its own
/// <c>Gateway:Telemetry</c>). Each request's server span continues the trace of the <c>traceparent</c> it arrives with,
/// and follows its sampling decision. Without an endpoint nothing is registered and no span is created.
/// </summary>
internal static class ModelServerTracing
{
    /// <summary>The <c>service.name</c> of model servers' spans.</summary>
    public const string ServiceName = "gateway-modelserver";

    public static void AddModelServerTracing(this IServiceCollection services, IConfiguration configuration, string modelId)
    {
        // The GATEWAY_MODELSERVER_ prefix is stripped by the configuration source.
        if (!Uri.TryCreate(configuration["OTLP_TRACES_ENDPOINT"], UriKind.Absolute, out var endpoint))
        {
            return;
        }

        var protocol = configuration["OTLP_TRACES_PROTOCOL"] == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        var headers = configuration["OTLP_TRACES_HEADERS"];
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName).AddAttributes([new("gateway.model", modelId)]))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path.StartsWithSegments("/v1"))
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = endpoint;
                    o.Protocol = protocol;
                    if (!string.IsNullOrEmpty(headers))
                    {
                        o.Headers = headers;
                    }
                }));
    }
}
