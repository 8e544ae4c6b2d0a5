using Gateway.Inference.Pool;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Host.Telemetry;

/// <summary>
/// OpenTelemetry tracing of the gateway (<see cref="TelemetryOptions"/>). With no endpoint configured nothing is
/// registered: no tracer provider, no listener on <see cref="GatewayTracing.Source"/>, so no request creates a span.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    private const string TracesPath = "v1/traces";
    private const string HttpClientSource = "System.Net.Http";
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    // Off, ASP.NET Core (from version 10) sets the OpenTelemetry HTTP attributes on its server span itself.
    private const string AspNetCoreSuppressTagsSwitch = "Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData";

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Every log record written inside a request carries its trace and span ids in its scope.
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions |=
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        // The bench's baseline build registers no tracer whatever is configured: as if tracing did not exist.
        if (GatewayTracing.CompiledOut || TracesEndpoint(options, configuration) is not { } export)
        {
            services.AddSingleton(new TracingState(false));
            return services;
        }

        services.AddSingleton(new TracingState(true));
        // Read when the server starts, after this. The server span then has its attributes from ASP.NET Core itself
        // rather than from the instrumentation package, whose diagnostic-listener callbacks cost more per request.
        AppContext.SetSwitch(AspNetCoreSuppressTagsSwitch, false);

        services.PostConfigure<ModelPoolOptions>(pool =>
        {
            pool.TracesEndpoint = export.Endpoint;
            pool.TracesProtocol = export.Protocol == OtlpExportProtocol.Grpc ? "grpc" : "http/protobuf";
            pool.TracesHeaders = export.Headers;
        });
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(GatewayTracing.SourceName)
                // HttpClient's own span per request of the gateway's other clients (an agent's model calls through the
                // front door, tools): without it recorded, the span their server receives in its traceparent (HttpClient
                // starts one under the current span) would be missing from the trace. The forwarder sends without one.
                .AddSource(HttpClientSource)
                .SetSampler(new UntracedPathsSampler(Sampler(options)))
                // The server span carries the caller's traceparent, so the gateway's spans join the caller's trace.
                .AddSource(AspNetCoreSource)
                // Spans are encoded as they end, not queued as activities (see OtlpSpanExporter).
                .AddProcessor(provider => new OtlpSpanExporter(export.Endpoint, export.Protocol, export.Headers, options.Otlp,
                    provider.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Telemetry"), provider.GetRequiredService<TimeProvider>())));
        return services;
    }

    internal static Sampler Sampler(TelemetryOptions options)
    {
        var ratio = Math.Clamp(options.SamplingRatio, 0, 1);
        Sampler root = ratio >= 1 ? new AlwaysOnSampler() : ratio <= 0 ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
        return options.ParentBased ? new ParentBasedSampler(root) : root;
    }

    /// <summary>
    /// The full traces URL and transport: <c>Gateway:Telemetry:Otlp</c>, else <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>
    /// (used as is), else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with <c>/v1/traces</c> added for OTLP/HTTP, as the
    /// specification says); <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and <c>OTEL_EXPORTER_OTLP_HEADERS</c> apply to the variables. Null: tracing off.
    /// </summary>
    internal static (Uri Endpoint, OtlpExportProtocol Protocol, string? Headers)? TracesEndpoint(TelemetryOptions options, IConfiguration configuration)
    {
        if (options.Otlp.Endpoint is { IsAbsoluteUri: true } configured)
        {
            var protocol = options.Otlp.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            return (protocol == OtlpExportProtocol.Grpc ? configured : WithPath(configured, TracesPath), protocol, options.Otlp.Headers);
        }

        var variableProtocol = (configuration["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]) == "grpc"
            ? OtlpExportProtocol.Grpc
            : OtlpExportProtocol.HttpProtobuf;
        var headers = configuration["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] ?? configuration["OTEL_EXPORTER_OTLP_HEADERS"];
        if (Uri.TryCreate(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], UriKind.Absolute, out var traces))
        {
            return (traces, variableProtocol, headers);
        }

        if (Uri.TryCreate(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], UriKind.Absolute, out var endpoint))
        {
            return (variableProtocol == OtlpExportProtocol.Grpc ? endpoint : WithPath(endpoint, TracesPath), variableProtocol, headers);
        }

        return null;
    }

    /// <summary>A collector's base URL with an API path under it (<c>v1/traces</c>, or OTLP/gRPC's service method).</summary>
    internal static Uri WithPath(Uri endpoint, string path)
    {
        var text = endpoint.ToString();
        return new Uri(text.EndsWith('/') ? text + path : text + "/" + path);
    }
}
