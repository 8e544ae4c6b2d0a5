using System.Diagnostics;
using Gateway.Host.Telemetry;
using OpenTelemetry.Trace;

namespace Gateway.UnitTests.Telemetry;

public sealed class UntracedPathsSamplerTests
{
    [Theory]
    [InlineData("/health", SamplingDecision.Drop)]
    [InlineData("/alive", SamplingDecision.Drop)]
    [InlineData("/metrics", SamplingDecision.Drop)]
    [InlineData("/ui/app.js", SamplingDecision.Drop)]
    [InlineData("/UI", SamplingDecision.Drop)]
    [InlineData("/v1/chat/completions", SamplingDecision.RecordAndSample)]
    [InlineData("/healthz", SamplingDecision.RecordAndSample)]
    [InlineData("/admin/keys", SamplingDecision.RecordAndSample)]
    public void ShouldSample_ServerSpanPath_ProbesAndFilesDroppedApiKept(string path, SamplingDecision expected)
    {
        var sampler = new UntracedPathsSampler(new AlwaysOnSampler());

        var result = sampler.ShouldSample(Parameters(ActivityKind.Server, ("http.request.method", "GET"), ("url.path", path)));

        Assert.Equal(expected, result.Decision);
    }

    [Fact]
    public void ShouldSample_ClientSpanOrNoPath_ConfiguredSamplerDecides()
    {
        var sampler = new UntracedPathsSampler(new AlwaysOffSampler());
        var kept = new UntracedPathsSampler(new AlwaysOnSampler());

        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(Parameters(ActivityKind.Server, ("url.path", "/v1/chat/completions"))).Decision);
        Assert.Equal(SamplingDecision.RecordAndSample, kept.ShouldSample(Parameters(ActivityKind.Client, ("url.path", "/health"))).Decision);
        Assert.Equal(SamplingDecision.RecordAndSample, kept.ShouldSample(Parameters(ActivityKind.Server)).Decision);
        Assert.Equal("AlwaysOnSampler", kept.Description);
    }

    private static SamplingParameters Parameters(ActivityKind kind, params (string Key, object Value)[] tags) =>
        new(default, ActivityTraceId.CreateRandom(), "Microsoft.AspNetCore.Hosting.HttpRequestIn", kind,
            tags.Length == 0 ? null : tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)).ToArray());
}
