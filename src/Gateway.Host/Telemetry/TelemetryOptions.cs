using System.ComponentModel.DataAnnotations;

namespace Gateway.Host.Telemetry;

/// <summary>
/// Section <c>Gateway:Telemetry</c>: OpenTelemetry tracing. Off unless an OTLP endpoint is configured here or in the
/// standard <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variables; off, the gateway
/// creates no spans at all. Read once at start-up.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Gateway:Telemetry";

    /// <summary>Where spans are exported.</summary>
    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>
    /// Fraction of traces kept, from 0 to 1. Default 1 (every request). A trace the caller's <c>traceparent</c>
    /// already decided follows that decision while <see cref="ParentBased"/> is on.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SamplingRatio { get; set; } = 1.0;

    /// <summary>Follow the sampling decision of an incoming <c>traceparent</c> (W3C). Default on.</summary>
    public bool ParentBased { get; set; } = true;

    /// <summary>
    /// Record prompt and completion text on request spans (<c>gen_ai.input.messages</c>, <c>gen_ai.output.messages</c>).
    /// Default off: traces then carry counts, models and timings, never what a caller wrote or a model answered.
    /// </summary>
    public bool RecordContent { get; set; }

    /// <summary>Largest text recorded per attribute when <see cref="RecordContent"/> is on, in characters. Default 16384; from 256 to 1 MiB.</summary>
    [Range(256, 1 << 20)]
    public int MaxContentLength { get; set; } = 16384;

    /// <summary>The <c>service.name</c> resource attribute. Default <c>gateway</c> (model servers report <c>gateway-modelserver</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    public string ServiceName { get; set; } = "gateway";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Otlp.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("Gateway:Telemetry:Otlp:Endpoint must be an absolute http or https URL.", ["Otlp.Endpoint"]);
        }

        // Nested options are not validated by their attributes on their own.
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Otlp, new ValidationContext(Otlp), results, validateAllProperties: true);
        foreach (var result in results)
        {
            yield return new ValidationResult("Gateway:Telemetry:Otlp:" + result.MemberNames.FirstOrDefault() + ": " + result.ErrorMessage, result.MemberNames);
        }
    }
}

/// <summary>Section <c>Gateway:Telemetry:Otlp</c>: the OTLP exporter.</summary>
public sealed class OtlpOptions
{
    /// <summary>
    /// The collector's address. With <see cref="Protocol"/> <c>HttpProtobuf</c> this is the base URL
    /// (<c>/v1/traces</c> is appended), as for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. Unset (the default) falls back to
    /// those variables; with neither, tracing is off.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary><c>HttpProtobuf</c> (default, port 4318 by convention) or <c>Grpc</c> (port 4317).</summary>
    public OtlpProtocol Protocol { get; set; } = OtlpProtocol.HttpProtobuf;

    /// <summary>Extra headers sent with every export, as <c>key1=value1,key2=value2</c> (e.g. a vendor's API key). Default none.</summary>
    public string? Headers { get; set; }

    /// <summary>
    /// Longest a span waits before it is sent. Default 1 second; under load spans go sooner, each time 256 KiB of them
    /// have gathered. From 10 milliseconds to 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ExportDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest one export may take before it counts as failed. Default 10 seconds; from 100 milliseconds to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The OTLP transport.</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP/HTTP with protobuf bodies.</summary>
    HttpProtobuf,

    /// <summary>OTLP/gRPC.</summary>
    Grpc,
}
