using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Host.Telemetry;
using Gateway.TestUtilities;
using Gateway.TestUtilities.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.IntegrationTests.Telemetry;

/// <summary>
/// The gateway's OTLP exporter (<see cref="OtlpSpanExporter"/>) against a real OTLP receiver on Kestrel, over HTTP and
/// gRPC: what a collector receives is what OpenTelemetry's own exporter sends for the same spans; a failing or slow
/// collector costs spans, never memory, an exception or a span of its own.
/// </summary>
public sealed class OtlpSpanExporterTests
{
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SameSpans_GatewayAndOpenTelemetryExporters_CollectorReceivesTheSame(bool grpc)
    {
        await using var ours = await OtlpTraceReceiver.StartAsync(grpc);
        await using var reference = await OtlpTraceReceiver.StartAsync(grpc);
        var apiKeys = new ConcurrentQueue<string>();
        ours.Before = context =>
        {
            apiKeys.Enqueue(context.Request.Headers["x-api-key"].ToString());
            return Task.CompletedTask;
        };
        using var source = new ActivitySource("Gateway.Tests.Exporter." + Guid.NewGuid().ToString("N"), "1.2.3");
        var protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        var exporter = Exporter(ours, grpc, "x-api-key=secret%20one");
        using (var gateway = Provider(source, b => b.AddProcessor(exporter)))
        using (var official = Provider(source, b => b.AddOtlpExporter(o =>
        {
            o.Endpoint = grpc ? reference.BaseUrl : new Uri(reference.BaseUrl, "v1/traces");
            o.Protocol = protocol;
        })))
        {
            var made = MakeSpans(source);
            Assert.True(gateway.ForceFlush(10_000));
            Assert.True(official.ForceFlush(10_000));
            Assert.Equal(made, ours.Spans.Count);
        }

        var received = ours.Spans.OrderBy(s => s.SpanId).ToArray();
        var expected = reference.Spans.OrderBy(s => s.SpanId).ToArray();
        Assert.Equal(expected.Length, received.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(Describe(expected[i]), Describe(received[i]));
        }

        Assert.Contains(received, s => s.Attributes.Contains("tags=[s:a,s:b]") && s.StatusMessage == "broken" && s.Events.Count == 1 && s.Links.Count == 1);
        Assert.All(received, s => Assert.Equal(("svc", source.Name), (s.ServiceName, s.Scope)));
        Assert.Equal("secret one", Assert.Single(apiKeys));
    }

    [Fact]
    public async Task CollectorFails_WarnsOnceDropsTheBatchThenExportsAgain()
    {
        await using var receiver = await OtlpTraceReceiver.StartAsync();
        receiver.FailWith = 500;
        using var source = new ActivitySource("Gateway.Tests.Exporter." + Guid.NewGuid().ToString("N"));
        var logger = new RecordingLogger<OtlpSpanExporter>();
        var exporter = Exporter(receiver, grpc: false, headers: null, logger);
        using var provider = Provider(source, b => b.AddProcessor(exporter));

        source.StartActivity("lost")!.Dispose();
        Assert.True(provider.ForceFlush(10_000));
        source.StartActivity("lost too")!.Dispose();
        Assert.True(provider.ForceFlush(10_000));
        receiver.FailWith = null;
        source.StartActivity("kept")!.Dispose();
        Assert.True(provider.ForceFlush(10_000));

        Assert.Equal(["kept"], receiver.Spans.Select(s => s.Name));
        // One warning a minute at most, however many exports fail.
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("HTTP 500", warning.Message);
    }

    [Fact]
    public async Task SlowCollector_SpansBeyondTheQueueAreDroppedAndCounted()
    {
        await using var receiver = await OtlpTraceReceiver.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Before = _ =>
        {
            held.TrySetResult();
            return hold.Task;
        };
        using var source = new ActivitySource("Gateway.Tests.Exporter." + Guid.NewGuid().ToString("N"));
        var exporter = Exporter(receiver, grpc: false, headers: null);
        using var provider = Provider(source, b => b.AddProcessor(exporter));

        // 64 KiB a span: the first batch (256 KiB) goes to the collector, which holds it.
        var large = new string('x', 64 * 1024);
        for (var i = 0; i < 4; i++)
        {
            using var span = source.StartActivity("large")!;
            span.SetTag("payload", large);
        }

        await held.Task.WaitAsync(Backstop);
        const int More = 200;
        for (var i = 0; i < More; i++)
        {
            using var span = source.StartActivity("large")!;
            span.SetTag("payload", large);
        }

        // At most 3 MiB wait: the rest were dropped, not queued.
        Assert.InRange(exporter.Dropped, More - (OtlpSpanExporter.MaxQueueBytes / large.Length), More);
        hold.SetResult();
        Assert.True(provider.ForceFlush(10_000));
        Assert.Equal(4 + More, receiver.Spans.Count + exporter.Dropped);
    }

    [Fact]
    public async Task Export_HttpClientTraced_MakesNoSpanAndSendsNoTraceparent()
    {
        await using var receiver = await OtlpTraceReceiver.StartAsync();
        var traceparents = new ConcurrentQueue<string>();
        receiver.Before = context =>
        {
            traceparents.Enqueue(context.Request.Headers.TraceParent.ToString());
            return Task.CompletedTask;
        };
        using var source = new ActivitySource("Gateway.Tests.Exporter." + Guid.NewGuid().ToString("N"));
        var exporter = Exporter(receiver, grpc: false, headers: null);
        using var provider = Provider(source, b => b.AddSource("System.Net.Http").AddProcessor(exporter));

        source.StartActivity("first")!.Dispose();
        Assert.True(provider.ForceFlush(10_000));
        source.StartActivity("second")!.Dispose();
        Assert.True(provider.ForceFlush(10_000));

        // A span of the first export's HttpClient call would have gone out with the second.
        Assert.Equal(["first", "second"], receiver.Spans.Select(s => s.Name));
        Assert.Equal(2, traceparents.Count);
        Assert.All(traceparents, Assert.Empty);
    }

    [Fact]
    public async Task HostileTagValues_SpanEndsWithoutThrowingOrOverflowing()
    {
        await using var receiver = await OtlpTraceReceiver.StartAsync();
        using var source = new ActivitySource("Gateway.Tests.Exporter." + Guid.NewGuid().ToString("N"));
        var exporter = Exporter(receiver, grpc: false, headers: null);
        using var provider = Provider(source, b => b.AddProcessor(exporter));

        using (var throwing = source.StartActivity("throwing")!)
        {
            throwing.SetTag("value", new ThrowingValue());
        }

        // Stopping the span runs the exporter: it must not throw there (a span may end in a timer or token callback).
        using (var nested = source.StartActivity("nested")!)
        {
            nested.SetTag("value", new SelfNested());
        }

        Assert.True(provider.ForceFlush(10_000));
        var kept = Assert.Single(receiver.Spans);
        Assert.Equal("nested", kept.Name);
        // Four levels of arrays, then the value as text: no recursion without end.
        Assert.Equal("value=[[[[s:self]]]]", Assert.Single(kept.Attributes));
    }

    private sealed class ThrowingValue
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }

    private sealed class SelfNested : System.Collections.IEnumerable
    {
        public System.Collections.IEnumerator GetEnumerator()
        {
            yield return this;
        }

        public override string ToString() => "self";
    }

    private static OtlpSpanExporter Exporter(OtlpTraceReceiver receiver, bool grpc, string? headers, ILogger? logger = null) =>
        new(grpc ? receiver.BaseUrl : new Uri(receiver.BaseUrl, "v1/traces"), grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
            headers, new OtlpOptions(), logger ?? NullLogger.Instance, TimeProvider.System);

    private static TracerProvider Provider(ActivitySource source, Func<TracerProviderBuilder, TracerProviderBuilder> exporter) =>
        exporter(Sdk.CreateTracerProviderBuilder().AddSource(source.Name).ConfigureResource(r => r.AddService("svc"))).Build();

    /// <summary>Spans of every shape: parent and children, each kind, each attribute type, an event, a link, a status.</summary>
    private static int MakeSpans(ActivitySource source)
    {
        var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "vendor=value", isRemote: true);
        using (var server = source.StartActivity("POST /v1/chat/completions", ActivityKind.Server, remote)!)
        {
            server.AddTag("url.path", "/v1/chat/completions");
            server.AddTag("http.response.status_code", 200);
            server.AddTag("gateway.stream", true);
            server.AddTag("long", -5_000_000_000L);
            server.AddTag("ratio", 0.25);
            server.AddTag("unicode", "naïve → ✓");
            server.AddTag("long unicode", string.Concat(Enumerable.Repeat("naïve → ✓ ", 20)));
            server.AddTag("empty", "");
            using (var child = source.StartActivity("upstream m", ActivityKind.Client)!)
            {
                child.AddTag("tags", new[] { "a", "b" });
                child.AddTag("scores", new[] { 0.5, -1.25 });
                child.AddTag("counts", new[] { 1, 2, 3 });
                child.AddEvent(new ActivityEvent("retry", DateTimeOffset.UtcNow, new ActivityTagsCollection { ["attempt"] = 2 }));
                child.AddLink(new ActivityLink(remote, new ActivityTagsCollection { ["why"] = "fan-in" }));
                child.SetStatus(ActivityStatusCode.Error, "broken");
            }

            source.StartActivity("route", ActivityKind.Internal)!.SetStatus(ActivityStatusCode.Ok).Dispose();
            using (var queue = source.StartActivity("queue", ActivityKind.Producer)!)
            {
                // Keys seen before, now encoded from the writer's cache.
                queue.AddTag("url.path", "/v1/embeddings");
                queue.AddTag("unicode", "ß");
            }

            source.StartActivity("work", ActivityKind.Consumer)!.Dispose();
        }

        source.StartActivity("root without parent")!.Dispose();
        return 6;
    }

    private static string Describe(ReceivedSpan s) =>
        string.Join(" | ", s.ServiceName, s.Scope, s.TraceId, s.SpanId, s.ParentSpanId, s.TraceState, s.Name, s.Kind, s.StartUnixNanos, s.EndUnixNanos,
            string.Join(";", s.Attributes), string.Join(";", s.Events), string.Join(";", s.Links), s.StatusCode, s.StatusMessage, s.Flags);
}
