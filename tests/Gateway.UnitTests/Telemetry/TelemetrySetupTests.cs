using System.Globalization;
using System.ComponentModel.DataAnnotations;
using Gateway.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Gateway.UnitTests.Telemetry;

public sealed class TelemetrySetupTests
{
    private static IConfiguration Variables(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void TracesEndpoint_NothingConfigured_Null()
    {
        Assert.Null(TelemetryServiceCollectionExtensions.TracesEndpoint(new TelemetryOptions(), Variables()));
    }

    [Fact]
    public void TracesEndpoint_GatewayEndpoint_TracesPathAddedAndWinsOverVariables()
    {
        var options = new TelemetryOptions { Otlp = { Endpoint = new Uri("http://collector:4318") } };

        var export = TelemetryServiceCollectionExtensions.TracesEndpoint(options, Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318")));

        Assert.Equal(new Uri("http://collector:4318/v1/traces"), export!.Value.Endpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, export.Value.Protocol);
    }

    [Fact]
    public void TracesEndpoint_StandardVariables_SignalSpecificUsedAsIsGeneralGetsTracesPath()
    {
        var specific = TelemetryServiceCollectionExtensions.TracesEndpoint(new TelemetryOptions(),
            Variables(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://a:4318/custom"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:4318")));
        var general = TelemetryServiceCollectionExtensions.TracesEndpoint(new TelemetryOptions(),
            Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:4318/"), ("OTEL_EXPORTER_OTLP_HEADERS", "x-key=1")));
        var grpc = TelemetryServiceCollectionExtensions.TracesEndpoint(new TelemetryOptions(),
            Variables(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:4317"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));

        Assert.Equal(new Uri("http://a:4318/custom"), specific!.Value.Endpoint);
        Assert.Equal(new Uri("http://b:4318/v1/traces"), general!.Value.Endpoint);
        Assert.Equal("x-key=1", general.Value.Headers);
        Assert.Equal((new Uri("http://b:4317"), OtlpExportProtocol.Grpc), (grpc!.Value.Endpoint, grpc.Value.Protocol));
    }

    [Theory]
    [InlineData(1.0, true, "ParentBased{AlwaysOnSampler}")]
    [InlineData(0.25, false, "TraceIdRatioBasedSampler{0.250000}")]
    [InlineData(0.0, true, "ParentBased{AlwaysOffSampler}")]
    public void Sampler_RatioAndParentBased_MatchingSampler(double ratio, bool parentBased, string description)
    {
        var sampler = TelemetryServiceCollectionExtensions.Sampler(new TelemetryOptions { SamplingRatio = ratio, ParentBased = parentBased });

        Assert.Equal(description, sampler.Description);
    }

    [Theory]
    [InlineData(1.5, "http://c:4318")]
    [InlineData(0.5, "ftp://c")]
    public void Validate_OutOfRangeRatioOrNonHttpEndpoint_Invalid(double ratio, string endpoint)
    {
        var options = new TelemetryOptions { SamplingRatio = ratio, Otlp = { Endpoint = new Uri(endpoint) } };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }

    [Theory]
    [InlineData("00:00:00", "00:00:10", "ExportDelay")]
    [InlineData("00:05:00", "00:00:10", "ExportDelay")]
    [InlineData("00:00:01", "00:00:00.010", "Timeout")]
    public void Validate_ExportDelayOrTimeoutOutOfRange_InvalidNamingTheSetting(string delay, string timeout, string setting)
    {
        var options = new TelemetryOptions
        {
            Otlp = { Endpoint = new Uri("http://c:4318"), ExportDelay = TimeSpan.Parse(delay, CultureInfo.InvariantCulture), Timeout = TimeSpan.Parse(timeout, CultureInfo.InvariantCulture) },
        };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains("Gateway:Telemetry:Otlp:" + setting, Assert.Single(results).ErrorMessage);
    }

    [Fact]
    public void ParseHeaders_OtlpList_TrimmedAndUrlDecodedSkippingPairsWithoutName()
    {
        var headers = OtlpSpanExporter.ParseHeaders(" x-api-key = a%20b%3Dc , =nameless, novalue, tenant=t1 ");

        Assert.Equal([new("x-api-key", "a b=c"), new("tenant", "t1")], headers);
        Assert.Empty(OtlpSpanExporter.ParseHeaders(null));
    }
}
