using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.TestUtilities.Telemetry;

/// <summary>One span as an OTLP exporter sent it: ids as lowercase hex, the exporting process's <c>service.name</c>.</summary>
public sealed record ReceivedSpan(string ServiceName, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind)
{
    public string Scope { get; init; } = "";

    public string TraceState { get; init; } = "";

    public ulong StartUnixNanos { get; init; }

    public ulong EndUnixNanos { get; init; }

    /// <summary>Each as <c>key=type:value</c> (<see cref="OtlpTraceDecoder"/>), in the order sent.</summary>
    public IReadOnlyList<string> Attributes { get; init; } = [];

    public IReadOnlyList<string> Events { get; init; } = [];

    public IReadOnlyList<string> Links { get; init; } = [];

    public int StatusCode { get; init; }

    public string StatusMessage { get; init; } = "";

    public uint? Flags { get; init; }
}

/// <summary>
/// A real OTLP/HTTP trace receiver on Kestrel (loopback, free port): <c>POST /v1/traces</c> with a protobuf
/// <c>ExportTraceServiceRequest</c> is decoded (<see cref="OtlpTraceDecoder"/>) into <see cref="Spans"/>, and a test
/// waits on <see cref="WaitForAsync"/> for the span it expects, never on the clock.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<(Func<ReceivedSpan, bool> Match, TaskCompletionSource<ReceivedSpan> Found)> _waiters = [];

    private OtlpTraceReceiver(WebApplication app) => _app = app;

    /// <summary>The base URL exporters are given (<c>/v1/traces</c> is added by them or by the gateway).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    /// <summary>Export requests received (each a batch).</summary>
    public int Exports => _exports;

    private int _exports;

    /// <summary>Awaited before each export is read: a test looks at the request here, or holds it to play a slow collector.</summary>
    public Func<HttpContext, Task>? Before { get; set; }

    /// <summary>A status to answer every export with, unread (a failing collector); null accepts them.</summary>
    public int? FailWith { get; set; }

    /// <summary>
    /// Starts the receiver: OTLP/HTTP (<c>POST /v1/traces</c>), or with <paramref name="grpc"/> OTLP/gRPC (HTTP/2
    /// without TLS, <c>TraceService/Export</c>, the 5-byte gRPC message prefix, <c>grpc-status</c> in the trailers).
    /// </summary>
    public static async Task<OtlpTraceReceiver> StartAsync(bool grpc = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (grpc)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }

        var app = builder.Build();
        var receiver = new OtlpTraceReceiver(app);
        app.MapPost("/v1/traces", context => receiver.ReceiveAsync(context, grpc: false));
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => receiver.ReceiveAsync(context, grpc: true));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    /// <summary>The first span (already received or still to come) that matches.</summary>
    public Task<ReceivedSpan> WaitForAsync(Func<ReceivedSpan, bool> match)
    {
        lock (_gate)
        {
            if (Spans.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }

            var found = new TaskCompletionSource<ReceivedSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task;
        }
    }

    private async Task ReceiveAsync(HttpContext context, bool grpc)
    {
        if (Before is { } before)
        {
            await before(context);
        }

        if (FailWith is { } status)
        {
            context.Response.StatusCode = status;
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (grpc)
        {
            // The gRPC message prefix: compressed flag 0, then the big-endian length of what follows.
            if (body.Length < 5 || body[0] != 0 || System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(1)) != body.Length - 5
                || context.Request.ContentType != "application/grpc")
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            body = body[5..];
        }

        var spans = OtlpTraceDecoder.Decode(body);
        Interlocked.Increment(ref _exports);
        lock (_gate)
        {
            foreach (var span in spans)
            {
                Spans.Enqueue(span);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(span))
                    {
                        _waiters[i].Found.TrySetResult(span);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        // An empty ExportTraceServiceResponse: everything accepted.
        if (grpc)
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5]);
            context.Response.AppendTrailer("grpc-status", "0");
        }
        else
        {
            context.Response.ContentType = "application/x-protobuf";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
