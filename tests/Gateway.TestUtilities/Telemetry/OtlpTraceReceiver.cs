using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.TestUtilities.Telemetry;

/// <summary>One span as an OTLP exporter sent it: ids as lowercase hex, the exporting process's <c>service.name</c>.</summary>
public sealed record ReceivedSpan(string ServiceName, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);

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

    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpTraceReceiver(app);
        app.MapPost("/v1/traces", receiver.ReceiveAsync);
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

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var spans = OtlpTraceDecoder.Decode(buffer.ToArray());
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
        context.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
