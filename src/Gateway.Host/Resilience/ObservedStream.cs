using System.Buffers;
using System.Diagnostics;
using Gateway.Errors;
using Gateway.Host.FrontDoor;
using Gateway.ServerSentEvents;
using Gateway.Usage;

namespace Gateway.Host.Resilience;

/// <summary>
/// The upstream's body on its way to the client. It reads usage (from the JSON body or the
/// stream's usage chunk), estimates the tokens forwarded so far (charged if the usage never
/// comes), enforces the idle and total timeouts, and, for server-sent events, ends a stream that
/// breaks mid-way, or sends an event larger than the model allows, with a clean error event
/// instead of a torn connection or an unbounded buffer. Nothing is retried once bytes have reached the client.
/// </summary>
internal sealed partial class ObservedStream : ReadOnlyForwardStream
{
    private const int CaptureLimit = 1024 * 1024;
    private const int TailLength = 1024;

    private readonly Stream _inner;
    private readonly GatewayRequestFeature _feature;
    private readonly bool _eventStream;
    private readonly TimeSpan _idleTimeout;
    private readonly long _deadline;
    private readonly TimeProvider _time;
    private readonly ArrayBufferWriter<byte>? _capture;
    private byte[]? _tail;
    private int _tailLength;
    private byte[] _events = [];
    private int _eventsLength;
    private byte[] _output = [];
    private int _outputStart;
    private int _outputEnd;
    private bool _finished;
    private long _bodyBytes;

    public ObservedStream(Stream inner, GatewayRequestFeature feature, bool eventStream, TimeProvider? time = null)
    {
        _inner = inner;
        _time = time ?? TimeProvider.System;
        _feature = feature;
        _eventStream = eventStream;
        var model = feature.Model!;
        _idleTimeout = model.Timeout;
        _deadline = feature.StartTimestamp + (long)(model.Resilience.TotalTimeout.TotalSeconds * Stopwatch.Frequency);
        _capture = feature.CaptureBody ? new ArrayBufferWriter<byte>(4096) : null;
        _tail = eventStream ? null : ArrayPool<byte>.Shared.Rent(TailLength);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            // A zero-byte read (the proxy's way to wait without holding a buffer) is no end of stream.
            return 0;
        }

        while (true)
        {
            if (_outputEnd > _outputStart)
            {
                var count = Math.Min(buffer.Length, _outputEnd - _outputStart);
                _output.AsSpan(_outputStart, count).CopyTo(buffer.Span);
                _outputStart += count;
                return count;
            }

            if (_finished)
            {
                return 0;
            }

            var read = await ReadUpstreamAsync(_eventStream ? EnsureEventSpace() : buffer, cancellationToken);
            if (_finished)
            {
                continue;
            }

            if (read == 0)
            {
                Complete();
                continue;
            }

            if (!_eventStream)
            {
                Capture(buffer.Span[..read]);
                KeepTail(buffer.Span[..read]);
                _bodyBytes += read;
                _feature.ForwardedTokenEstimate = TokenEstimate.TokensOf(_bodyBytes);
                return read;
            }

            _eventsLength += read;
            ProcessEvents();
            if (_eventsLength > _feature.Model!.MaxEventBytes)
            {
                // What is left unprocessed is one event still without its end: it may not grow further.
                Fail(new InvalidDataException($"the upstream sent an event larger than {_feature.Model.MaxEventBytes} bytes"));
            }
        }
    }

    private async ValueTask<int> ReadUpstreamAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (!_eventStream)
        {
            // A JSON body cannot end "cleanly" mid-way; the proxy's own activity timeout covers it.
            try
            {
                return await _inner.ReadAsync(destination, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                return Fail(ex);
            }
        }

        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _deadline);
        var limit = remaining < _idleTimeout ? remaining : _idleTimeout;
        if (limit <= TimeSpan.Zero)
        {
            return Fail(new TimeoutException($"the request exceeded its total timeout of {_feature.Model!.Resilience.TotalTimeout.TotalSeconds:0.###} s"));
        }

        using var timeout = new CancellationTokenSource(limit, _time);
        // The caller's cancellation ends the read too; only the timer's is the upstream's fault.
        using var callerCancels = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout);
        try
        {
            return await _inner.ReadAsync(destination, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(new TimeoutException(limit == _idleTimeout
                ? $"no data for {_idleTimeout.TotalSeconds:0.###} s"
                : $"the request exceeded its total timeout of {_feature.Model!.Resilience.TotalTimeout.TotalSeconds:0.###} s"));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return Fail(ex);
        }
    }

    /// <summary>Ends the stream: with an SSE error event for event streams, by rethrowing otherwise.</summary>
    private int Fail(Exception error)
    {
        var model = _feature.Model!;
        var message = $"The upstream for model '{model.Name}' ({model.DescribeUpstream()}) failed mid-stream: {Proxy.UpstreamErrors.Describe(error)}";
        _feature.StreamError = message;
        _feature.StreamFailure = error;
        if (!_eventStream)
        {
            throw new IOException(message, error);
        }

        var bytes = SseFraming.ErrorEvent(GatewayError.Upstream(502, message, "upstream_stream_error"));
        // Events already complete go out first; the error event ends the stream after them.
        var pending = _outputEnd - _outputStart;
        var output = new byte[pending + bytes.Length];
        _output.AsSpan(_outputStart, pending).CopyTo(output);
        bytes.CopyTo(output.AsSpan(pending));
        _output = output;
        _outputStart = 0;
        _outputEnd = output.Length;
        _events = [];
        _eventsLength = 0;
        _finished = true;
        return 0;
    }

    private void Complete()
    {
        _finished = true;
        _feature.CompletedTimestamp = Stopwatch.GetTimestamp();
        if (_eventStream && _eventsLength > 0)
        {
            // An unterminated last event is still delivered.
            Emit(_events.AsSpan(0, _eventsLength));
            _eventsLength = 0;
        }
        else if (_tail is not null && UsageParser.TryParseTail(_tail.AsSpan(0, _tailLength), out var usage))
        {
            _feature.Usage = usage;
        }

        _feature.CapturedBody = _capture?.WrittenMemory;
    }

    private Memory<byte> EnsureEventSpace()
    {
        if (_events.Length - _eventsLength < 4096)
        {
            // One read past the limit at most: the event is then refused, never kept.
            Array.Resize(ref _events, Math.Min(Math.Max(8192, _events.Length * 2), _feature.Model!.MaxEventBytes + 8192));
        }

        return _events.AsMemory(_eventsLength);
    }

    private void ProcessEvents()
    {
        _outputStart = _outputEnd = 0;
        var span = _events.AsSpan(0, _eventsLength);
        var consumed = 0;
        while (true)
        {
            var end = SseFraming.EventEnd(span[consumed..]);
            if (end < 0)
            {
                break;
            }

            var @event = span.Slice(consumed, end);
            consumed += end;
            if (!ObserveEvent(@event))
            {
                Emit(@event);
            }
        }

        span[consumed..].CopyTo(_events);
        _eventsLength -= consumed;
    }

    /// <summary>Reads usage from an event; returns true when the event is to be dropped.</summary>
    private bool ObserveEvent(ReadOnlySpan<byte> @event)
    {
        if (!UsageParser.MayContainUsage(@event))
        {
            _feature.ForwardedTokenEstimate += TokenEstimate.TokensOfChunk(@event);
            return false;
        }

        if (!SseFraming.TryGetData(@event, out var data))
        {
            return false;
        }

        if (!UsageParser.TryParse(data, out var usage, out var choicesEmpty) || usage.Total == 0)
        {
            return false;
        }

        _feature.Usage = usage;
        return choicesEmpty && _feature.StripUsageChunk;
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (_output.Length - _outputEnd < bytes.Length)
        {
            Array.Resize(ref _output, Math.Max(_outputEnd + bytes.Length, _output.Length * 2));
        }

        bytes.CopyTo(_output.AsSpan(_outputEnd));
        _outputEnd += bytes.Length;
        Capture(bytes);
    }

    /// <summary>Keeps the last <see cref="TailLength"/> bytes of a JSON body, where its usage is.</summary>
    private void KeepTail(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= TailLength && _tail is not null)
        {
            bytes[^TailLength..].CopyTo(_tail);
            _tailLength = TailLength;
            return;
        }

        if (_tail is null)
        {
            return;
        }

        var keep = Math.Min(_tailLength, TailLength - bytes.Length);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        bytes.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + bytes.Length;
    }

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (_capture is not null && _capture.WrittenCount + bytes.Length <= CaptureLimit)
        {
            _capture.Write(bytes);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            if (_tail is not null)
            {
                ArrayPool<byte>.Shared.Return(_tail);
                _tail = null;
            }
        }

        base.Dispose(disposing);
    }
}
