using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Gateway.Host.Telemetry;

/// <summary>
/// A growable buffer that writes OTLP's protobuf messages (opentelemetry-proto <c>trace/v1/trace.proto</c>,
/// <c>common/v1/common.proto</c>, <c>resource/v1/resource.proto</c>). A nested message's length is written after it
/// as a varint padded to 4 bytes (<see cref="BeginMessage"/>, <see cref="EndMessage"/>), as OpenTelemetry .NET's own
/// exporter writes it: decoders read a padded varint as the same number, and nothing is encoded twice.
/// </summary>
internal sealed class OtlpProtoWriter(int capacity = 4096)
{
    private const int LengthBytes = 4;
    private const int MaxLength = (1 << 28) - 1;
    private const int VarintWire = 0;
    private const int Fixed64Wire = 1;
    private const int LengthWire = 2;
    private const int Fixed32Wire = 5;
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    private const int MaxCachedKeys = 512;

    // Arrays nest this deep at most; deeper values are written as text.
    private const int MaxArrayDepth = 4;

    private byte[] _buffer = new byte[Math.Max(capacity, 64)];

    // Attribute keys are nearly all constants: the first 512 keys seen keep their encoded field (tag, length, UTF-8),
    // looked up by reference (a key built per span is encoded each time).
    private Dictionary<string, byte[]>? _keys;

    // A trace's spans end one after another on the same thread: its id is parsed from hex once.
    private ActivityTraceId _lastTrace;
    private readonly byte[] _lastTraceBytes = new byte[16];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public byte[] Buffer => _buffer;

    public void Clear() => Length = 0;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Starts the nested message <paramref name="field"/>; returns where its length goes.</summary>
    public int BeginMessage(int field)
    {
        Tag(field, LengthWire);
        var at = Length;
        Reserve(LengthBytes);
        Length += LengthBytes;
        return at;
    }

    public void EndMessage(int at)
    {
        var length = Length - at - LengthBytes;
        if (length > MaxLength)
        {
            throw new InvalidOperationException("An OTLP message is larger than 256 MiB.");
        }

        var target = _buffer.AsSpan(at, LengthBytes);
        target[0] = (byte)((length & 0x7F) | 0x80);
        target[1] = (byte)(((length >> 7) & 0x7F) | 0x80);
        target[2] = (byte)(((length >> 14) & 0x7F) | 0x80);
        target[3] = (byte)((length >> 21) & 0x7F);
    }

    public void Varint(int field, ulong value)
    {
        Tag(field, VarintWire);
        RawVarint(value);
    }

    public void Fixed64(int field, ulong value)
    {
        Tag(field, Fixed64Wire);
        BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);
        Length += 8;
    }

    public void Fixed32(int field, uint value)
    {
        Tag(field, Fixed32Wire);
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);
        Length += 4;
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthWire);
        RawVarint((ulong)value.Length);
        Append(value);
    }

    public void String(int field, string value)
    {
        Tag(field, LengthWire);
        if (value.Length <= 42)
        {
            // At most 126 bytes of UTF-8: a one-byte length, written after the text in one pass.
            var target = Reserve(1 + (value.Length * 3));
            var written = Encoding.UTF8.GetBytes(value, target[1..]);
            target[0] = (byte)written;
            Length += 1 + written;
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        RawVarint((ulong)count);
        Length += Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    /// <summary>Nanoseconds since the Unix epoch of a UTC time, as OTLP's <c>fixed64</c> timestamps are.</summary>
    public static ulong UnixNanos(DateTime utc) => (ulong)(utc.Ticks - UnixEpochTicks) * 100;

    // KeyValue: 1 key, 2 value (AnyValue).
    public void Attribute(int field, string key, object? value)
    {
        var at = BeginMessage(field);
        Key(key);
        var any = BeginMessage(2);
        AnyValue(value, 0);
        EndMessage(any);
        EndMessage(at);
    }

    private void Key(string key)
    {
        _keys ??= new Dictionary<string, byte[]>(ReferenceEqualityComparer.Instance);
        if (_keys.TryGetValue(key, out var encoded))
        {
            Append(encoded);
            return;
        }

        var start = Length;
        String(1, key);
        if (_keys.Count < MaxCachedKeys)
        {
            _keys[key] = _buffer.AsSpan(start, Length - start).ToArray();
        }
    }

    // AnyValue: 1 string_value, 2 bool_value, 3 int_value, 4 double_value, 5 array_value (ArrayValue: 1 values).
    private void AnyValue(object? value, int depth)
    {
        switch (value)
        {
            case null:
                break;
            case string text:
                String(1, text);
                break;
            case bool flag:
                Varint(2, flag ? 1UL : 0UL);
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                Varint(3, unchecked((ulong)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case double or float or decimal:
                Tag(4, Fixed64Wire);
                BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                Length += 8;
                break;
            case System.Collections.IEnumerable items and not IFormattable when depth < MaxArrayDepth:
                var array = BeginMessage(5);
                foreach (var item in items)
                {
                    var element = BeginMessage(1);
                    AnyValue(item, depth + 1);
                    EndMessage(element);
                }

                EndMessage(array);
                break;
            default:
                String(1, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    // Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start, 8 end, 9 attributes,
    // 11 events, 13 links, 15 status, 16 flags.
    public void Span(int field, Activity activity)
    {
        var at = BeginMessage(field);
        Span<byte> id = stackalloc byte[16];
        var trace = activity.TraceId;
        if (trace != _lastTrace)
        {
            trace.CopyTo(_lastTraceBytes);
            _lastTrace = trace;
        }

        Bytes(1, _lastTraceBytes);
        activity.SpanId.CopyTo(id[..8]);
        Bytes(2, id[..8]);
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            String(3, state);
        }

        if (activity.ParentSpanId != default)
        {
            activity.ParentSpanId.CopyTo(id[..8]);
            Bytes(4, id[..8]);
        }

        String(5, activity.DisplayName);
        // OTLP's SpanKind counts from SPAN_KIND_INTERNAL = 1; ActivityKind from Internal = 0, in the same order.
        Varint(6, (ulong)activity.Kind + 1);
        var start = UnixNanos(activity.StartTimeUtc);
        Fixed64(7, start);
        Fixed64(8, start + (ulong)activity.Duration.Ticks * 100);
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            Attribute(9, tag.Key, tag.Value);
        }

        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            // Event: 1 time_unix_nano, 2 name, 3 attributes.
            var e = BeginMessage(11);
            Fixed64(1, UnixNanos(activityEvent.Timestamp.UtcDateTime));
            String(2, activityEvent.Name);
            foreach (ref readonly var tag in activityEvent.EnumerateTagObjects())
            {
                Attribute(3, tag.Key, tag.Value);
            }

            EndMessage(e);
        }

        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            // Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 6 flags.
            var l = BeginMessage(13);
            link.Context.TraceId.CopyTo(id);
            Bytes(1, id);
            link.Context.SpanId.CopyTo(id[..8]);
            Bytes(2, id[..8]);
            if (link.Context.TraceState is { Length: > 0 } linkState)
            {
                String(3, linkState);
            }

            foreach (ref readonly var tag in link.EnumerateTagObjects())
            {
                Attribute(4, tag.Key, tag.Value);
            }

            Fixed32(6, (uint)link.Context.TraceFlags | 0x100 | (link.Context.IsRemote ? 0x200u : 0));
            EndMessage(l);
        }

        if (activity.Status != ActivityStatusCode.Unset)
        {
            // Status: 2 message, 3 code (1 ok, 2 error: ActivityStatusCode's numbers).
            var s = BeginMessage(15);
            if (activity.Status == ActivityStatusCode.Error && activity.StatusDescription is { Length: > 0 } message)
            {
                String(2, message);
            }

            Varint(3, (ulong)activity.Status);
            EndMessage(s);
        }

        // The W3C trace flags, with whether the parent was remote (SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE, _IS_REMOTE).
        Fixed32(16, (uint)activity.ActivityTraceFlags | 0x100 | (activity.HasRemoteParent ? 0x200u : 0));
        EndMessage(at);
    }

    private void Tag(int field, int wire) => RawVarint((ulong)((field << 3) | wire));

    private void RawVarint(ulong value)
    {
        var target = Reserve(10);
        var i = 0;
        while (value >= 0x80)
        {
            target[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[i++] = (byte)value;
        Length += i;
    }

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _buffer.Length)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, Length + count)];
            _buffer.AsSpan(0, Length).CopyTo(grown);
            _buffer = grown;
        }

        return _buffer.AsSpan(Length, count);
    }
}
