using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;

namespace Gateway.Host.Telemetry;

/// <summary>
/// The gateway's OTLP trace exporter. Each span is encoded to OTLP protobuf on the thread that ends it and appended to
/// a byte buffer per instrumentation scope; the <see cref="Activity"/> is then garbage at once. A background loop sends
/// the buffered bytes when <see cref="BatchBytes"/> have gathered or <see cref="OtlpOptions.ExportDelay"/> has passed.
/// OpenTelemetry's batch processor instead keeps every ended <see cref="Activity"/> (with its tags and parents) queued
/// until the next export, so under load they outlive several gen-0 collections and are copied into the older
/// generations; that promotion, not the spans or the encoding, was most of what tracing cost per request.
/// Sends OTLP/HTTP (protobuf) or OTLP/gRPC. A collector that is down or slow costs spans (dropped past
/// <see cref="MaxQueueBytes"/>, reported in the log), never memory or a caller's request.
/// </summary>
internal sealed class OtlpSpanExporter : BaseProcessor<Activity>
{
    /// <summary>Buffered bytes that wake the sender before its delay is up.</summary>
    internal const int BatchBytes = 256 * 1024;

    /// <summary>Spans waiting to be sent, in bytes, past which new ones are dropped: one export stays under the 4 MiB
    /// a collector's gRPC receiver takes by default.</summary>
    internal const int MaxQueueBytes = 3 * 1024 * 1024;

    private const string GrpcPath = "opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private const int ScratchKeep = 1 << 20;
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    [ThreadStatic]
    private static OtlpProtoWriter? t_scratch;

    private readonly Uri _endpoint;
    private readonly bool _grpc;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly TimeSpan _delay;
    private readonly TimeSpan _timeout;
    private readonly HttpClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly OtlpProtoWriter _request = new(BatchBytes * 2);
    private readonly Task _loop;
    private Dictionary<ActivitySource, OtlpProtoWriter> _pending = [];
    private Dictionary<ActivitySource, OtlpProtoWriter> _sending = [];
    private List<TaskCompletionSource>? _flushes;
    private byte[]? _resource;
    private int _pendingBytes;
    private bool _woken;
    private long _dropped;
    private long _droppedReported;
    private long _unencodable;
    private long _unencodableReported;
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    public OtlpSpanExporter(Uri endpoint, OtlpExportProtocol protocol, string? headers, OtlpOptions options, ILogger logger, TimeProvider time)
    {
        _grpc = protocol == OtlpExportProtocol.Grpc;
        _endpoint = _grpc ? TelemetryServiceCollectionExtensions.WithPath(endpoint, GrpcPath) : endpoint;
        _headers = ParseHeaders(headers);
        _delay = options.ExportDelay;
        _timeout = options.Timeout;
        _logger = logger;
        _time = time;
        // No traceparent on exports, and (with the scope below) no span for them: exporting must not make spans.
        _client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Spans dropped because the queue was full (the collector down or slower than the gateway).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public override void OnEnd(Activity data)
    {
        if (!data.Recorded)
        {
            return;
        }

        var scratch = t_scratch ??= new OtlpProtoWriter(1024);
        scratch.Clear();
        try
        {
            // ScopeSpans: 2 spans.
            scratch.Span(2, data);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A span ends wherever its owner stops it, a callback included: it must never throw there.
            t_scratch = null;
            Interlocked.Increment(ref _unencodable);
            return;
        }

        var wake = false;
        lock (_gate)
        {
            if (_pendingBytes + scratch.Length > MaxQueueBytes)
            {
                _dropped++;
            }
            else
            {
                if (!_pending.TryGetValue(data.Source, out var spans))
                {
                    _pending[data.Source] = spans = new OtlpProtoWriter(16 * 1024);
                }

                spans.Append(scratch.Written);
                _pendingBytes += scratch.Length;
                if (_pendingBytes >= BatchBytes && !_woken)
                {
                    _woken = wake = true;
                }
            }
        }

        if (scratch.Buffer.Length > ScratchKeep)
        {
            // A span with recorded content grew it: do not keep a large buffer per thread.
            t_scratch = null;
        }

        if (wake)
        {
            _wake.Release();
        }
    }

    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        if (_loop.IsCompleted)
        {
            return true;
        }

        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            (_flushes ??= []).Add(flushed);
        }

        _wake.Release();
        return flushed.Task.Wait(timeoutMilliseconds < 0 ? Timeout.Infinite : timeoutMilliseconds);
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        _stopping.Cancel();
        _wake.Release();
        return _loop.Wait(timeoutMilliseconds < 0 ? Timeout.Infinite : timeoutMilliseconds);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_stopping.IsCancellationRequested)
            {
                OnShutdown((int)_timeout.TotalMilliseconds);
            }

            _client.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task RunAsync()
    {
        // Nothing this loop sends is traced.
        using var suppressed = SuppressInstrumentationScope.Begin();
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await ExportPendingAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Whatever went wrong with one export, the next spans still go out.
                Warn("failed (" + exception.GetType().Name + "), its spans dropped");
            }
        }

        // Shutting down: what is left goes out once, within the export timeout.
        try
        {
            await ExportPendingAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Warn("failed at shutdown (" + exception.GetType().Name + ")");
        }
    }

    private async Task ExportPendingAsync(CancellationToken stopping)
    {
        List<TaskCompletionSource>? flushes;
        int count;
        lock (_gate)
        {
            (_pending, _sending) = (_sending, _pending);
            count = _pendingBytes;
            _pendingBytes = 0;
            _woken = false;
            flushes = _flushes;
            _flushes = null;
        }

        try
        {
            if (count > 0)
            {
                Encode();
                await SendAsync(stopping);
            }
        }
        finally
        {
            foreach (var spans in _sending.Values)
            {
                spans.Clear();
            }

            WarnOfDrops();
            if (flushes is not null)
            {
                foreach (var flushed in flushes)
                {
                    flushed.TrySetResult();
                }
            }
        }
    }

    // ExportTraceServiceRequest: 1 resource_spans. ResourceSpans: 1 resource, 2 scope_spans. ScopeSpans: 1 scope
    // (InstrumentationScope: 1 name, 2 version), 2 spans (already encoded as they ended).
    private void Encode()
    {
        var request = _request;
        request.Clear();
        if (_grpc)
        {
            // gRPC's message prefix: not compressed, then the length (set once the message is written).
            request.Append([0, 0, 0, 0, 0]);
        }

        var resourceSpans = request.BeginMessage(1);
        request.Append(_resource ??= EncodeResource(ParentProvider?.GetResource() ?? Resource.Empty));
        foreach (var (source, spans) in _sending)
        {
            if (spans.Length == 0)
            {
                continue;
            }

            var scopeSpans = request.BeginMessage(2);
            var scope = request.BeginMessage(1);
            request.String(1, source.Name);
            if (source.Version is { Length: > 0 } version)
            {
                request.String(2, version);
            }

            request.EndMessage(scope);
            request.Append(spans.Written);
            request.EndMessage(scopeSpans);
        }

        request.EndMessage(resourceSpans);
        if (_grpc)
        {
            BinaryPrimitives.WriteInt32BigEndian(request.Buffer.AsSpan(1, 4), request.Length - 5);
        }
    }

    internal static byte[] EncodeResource(Resource resource)
    {
        var writer = new OtlpProtoWriter(512);
        var at = writer.BeginMessage(1);
        foreach (var (key, value) in resource.Attributes)
        {
            writer.Attribute(1, key, value);
        }

        writer.EndMessage(at);
        return writer.Written.ToArray();
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (ok, retryable, reason) = await SendOnceAsync(stopping);
            if (ok)
            {
                return;
            }

            if (!retryable || attempt > 0 || stopping.IsCancellationRequested)
            {
                Warn("failed (" + reason + "), its spans dropped");
                return;
            }

            try
            {
                await Task.Delay(RetryDelay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: one last try.
            }
        }
    }

    private async Task<(bool Ok, bool Retryable, string Reason)> SendOnceAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_timeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ByteArrayContent(_request.Buffer, 0, _request.Length),
        };
        if (_grpc)
        {
            message.Version = HttpVersion.Version20;
            message.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            message.Headers.TryAddWithoutValidation("te", "trailers");
        }
        else
        {
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        }

        foreach (var (name, value) in _headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                return (false, status is 429 or 502 or 503 or 504, "HTTP " + status);
            }

            if (_grpc && GrpcStatus(response) is { } grpcStatus && grpcStatus != "0")
            {
                // UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED and ABORTED are worth another try.
                return (false, grpcStatus is "14" or "8" or "4" or "10", "grpc-status " + grpcStatus);
            }

            return (true, false, "");
        }
        catch (HttpRequestException exception)
        {
            return (false, true, exception.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (false, true, "timed out after " + _timeout.TotalSeconds + " s");
        }
        catch (OperationCanceledException)
        {
            return (false, false, "shut down");
        }
    }

    private static string? GrpcStatus(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("grpc-status", out var trailing) ? trailing.FirstOrDefault()
        : response.Headers.TryGetValues("grpc-status", out var leading) ? leading.FirstOrDefault()
        : null;

    private void WarnOfDrops()
    {
        var unencodable = Interlocked.Read(ref _unencodable);
        if (unencodable > _unencodableReported && Warn(unencodable + " spans could not be encoded and were dropped"))
        {
            _unencodableReported = unencodable;
        }

        var dropped = Interlocked.Read(ref _dropped);
        if (dropped > _droppedReported && Warn("queue full, " + dropped + " spans dropped so far"))
        {
            _droppedReported = dropped;
        }
    }

    // One warning a minute at most: a collector that is down must not flood the log.
    private bool Warn(string problem)
    {
        var now = _time.GetUtcNow();
        if (now - _lastWarning < WarningInterval)
        {
            return false;
        }

        _lastWarning = now;
        _logger.LogWarning("OTLP export to {Endpoint}: {Problem}", _endpoint, problem);
        return true;
    }

    /// <summary>OTLP's header list: <c>key1=value1,key2=value2</c>, values URL-encoded (as <c>OTEL_EXPORTER_OTLP_HEADERS</c>).</summary>
    internal static KeyValuePair<string, string>[] ParseHeaders(string? headers)
    {
        if (string.IsNullOrWhiteSpace(headers))
        {
            return [];
        }

        var parsed = new List<KeyValuePair<string, string>>();
        foreach (var pair in headers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0)
            {
                parsed.Add(new(pair[..equals].Trim(), Uri.UnescapeDataString(pair[(equals + 1)..].Trim())));
            }
        }

        return [.. parsed];
    }
}
