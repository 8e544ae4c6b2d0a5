using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Gateway.TestUtilities.Telemetry;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> (protobuf) as tests assert on it: per resource its
/// <c>service.name</c>, per span its scope, ids, name, kind, times, attributes, events, links, status and flags
/// (attribute values written as <c>type:value</c>, so that two exporters' output compares as text). Field numbers are those of opentelemetry-proto's
/// <c>trace/v1/trace.proto</c> and <c>common/v1/common.proto</c>; every other field is skipped by its wire type.
/// </summary>
public static class OtlpTraceDecoder
{
    public static List<ReceivedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        var reader = new Reader(request);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ResourceSpans(reader.Bytes(), spans);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return spans;
    }

    // ResourceSpans: 1 resource, 2 scope_spans.
    private static void ResourceSpans(ReadOnlySpan<byte> message, List<ReceivedSpan> spans)
    {
        var service = "";
        var scopes = new List<byte[]>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    service = ServiceName(reader.Bytes());
                    break;
                case (2, 2):
                    scopes.Add(reader.Bytes().ToArray());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (var scope in scopes)
        {
            // ScopeSpans: 1 scope (InstrumentationScope: 1 name), 2 spans.
            var scopeName = "";
            var scopeReader = new Reader(scope);
            var encoded = new List<byte[]>();
            while (scopeReader.Next(out var field, out var wire))
            {
                if (field == 1 && wire == 2)
                {
                    var scopeFields = new Reader(scopeReader.Bytes());
                    while (scopeFields.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2)
                        {
                            scopeName = Encoding.UTF8.GetString(scopeFields.Bytes());
                        }
                        else
                        {
                            scopeFields.Skip(w);
                        }
                    }
                }
                else if (field == 2 && wire == 2)
                {
                    encoded.Add(scopeReader.Bytes().ToArray());
                }
                else
                {
                    scopeReader.Skip(wire);
                }
            }

            spans.AddRange(encoded.Select(span => Span(span, service, scopeName)));
        }
    }

    // Resource: 1 attributes (KeyValue: 1 key, 2 value; AnyValue: 1 string_value).
    private static string ServiceName(ReadOnlySpan<byte> resource)
    {
        var reader = new Reader(resource);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2 && Attribute(reader.Bytes()) is ("service.name", var value))
            {
                return value[2..];
            }

            if (field != 1 || wire != 2)
            {
                reader.Skip(wire);
            }
        }

        return "";
    }

    // Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start, 8 end, 9 attributes,
    // 11 events, 13 links, 15 status, 16 flags.
    private static ReceivedSpan Span(ReadOnlySpan<byte> message, string service, string scope)
    {
        string traceId = "", spanId = "", parentId = "", name = "", traceState = "", statusMessage = "";
        int kind = 0, statusCode = 0;
        ulong start = 0, end = 0;
        uint? flags = null;
        var attributes = new List<string>();
        var events = new List<string>();
        var links = new List<string>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    traceId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (2, 2):
                    spanId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (3, 2):
                    traceState = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (4, 2):
                    parentId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (5, 2):
                    name = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (6, 0):
                    kind = (int)reader.Varint();
                    break;
                case (7, 1):
                    start = reader.Fixed64();
                    break;
                case (8, 1):
                    end = reader.Fixed64();
                    break;
                case (9, 2):
                    attributes.Add(Text(Attribute(reader.Bytes())));
                    break;
                case (11, 2):
                    events.Add(Event(reader.Bytes()));
                    break;
                case (13, 2):
                    links.Add(Link(reader.Bytes()));
                    break;
                case (15, 2):
                    (statusCode, statusMessage) = Status(reader.Bytes());
                    break;
                case (16, 5):
                    flags = reader.Fixed32();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new ReceivedSpan(service, traceId, spanId, parentId, name, kind)
        {
            Scope = scope,
            TraceState = traceState,
            StartUnixNanos = start,
            EndUnixNanos = end,
            Attributes = attributes,
            Events = events,
            Links = links,
            StatusCode = statusCode,
            StatusMessage = statusMessage,
            Flags = flags,
        };
    }

    private static string Text((string Key, string Value) attribute) => attribute.Key + "=" + attribute.Value;

    // KeyValue: 1 key, 2 value.
    private static (string Key, string Value) Attribute(ReadOnlySpan<byte> message)
    {
        string key = "", value = "";
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    key = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (2, 2):
                    value = AnyValue(reader.Bytes());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (key, value);
    }

    // AnyValue, written as type:value: 1 string (s), 2 bool (b), 3 int (i), 4 double (d), 5 array ([...]).
    private static string AnyValue(ReadOnlySpan<byte> message)
    {
        var reader = new Reader(message);
        var value = "";
        while (reader.Next(out var field, out var wire))
        {
            value = (field, wire) switch
            {
                (1, 2) => "s:" + Encoding.UTF8.GetString(reader.Bytes()),
                (2, 0) => "b:" + (reader.Varint() != 0 ? "true" : "false"),
                (3, 0) => "i:" + ((long)reader.Varint()).ToString(CultureInfo.InvariantCulture),
                (4, 1) => "d:" + BitConverter.UInt64BitsToDouble(reader.Fixed64()).ToString("R", CultureInfo.InvariantCulture),
                (5, 2) => ArrayValue(reader.Bytes()),
                _ => Skipped(ref reader, wire),
            };
        }

        return value;
    }

    private static string Skipped(ref Reader reader, int wire)
    {
        reader.Skip(wire);
        return "?";
    }

    // ArrayValue: 1 values.
    private static string ArrayValue(ReadOnlySpan<byte> message)
    {
        var values = new List<string>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                values.Add(AnyValue(reader.Bytes()));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return "[" + string.Join(",", values) + "]";
    }

    // Event: 1 time_unix_nano, 2 name, 3 attributes; written as name@time{attributes}.
    private static string Event(ReadOnlySpan<byte> message)
    {
        var (name, time, attributes) = ("", 0UL, new List<string>());
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 1):
                    time = reader.Fixed64();
                    break;
                case (2, 2):
                    name = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (3, 2):
                    attributes.Add(Text(Attribute(reader.Bytes())));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return $"{name}@{time}{{{string.Join(";", attributes)}}}";
    }

    // Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes; written as trace/span/state{attributes}.
    private static string Link(ReadOnlySpan<byte> message)
    {
        var (trace, span, state, attributes) = ("", "", "", new List<string>());
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    trace = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (2, 2):
                    span = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (3, 2):
                    state = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (4, 2):
                    attributes.Add(Text(Attribute(reader.Bytes())));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return $"{trace}/{span}/{state}{{{string.Join(";", attributes)}}}";
    }

    // Status: 2 message, 3 code.
    private static (int Code, string Message) Status(ReadOnlySpan<byte> message)
    {
        var (code, text) = (0, "");
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (2, 2):
                    text = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (3, 0):
                    code = (int)reader.Varint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (code, text);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool Next(out int field, out int wire)
        {
            if (_position >= _data.Length)
            {
                field = wire = 0;
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        public ulong Fixed64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
            _position += 8;
            return value;
        }

        public uint Fixed32()
        {
            var value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position, 4));
            _position += 4;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = (int)Varint();
            var bytes = _data.Slice(_position, length);
            _position += length;
            return bytes;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    _position += 8;
                    break;
                case 2:
                    Bytes();
                    break;
                case 5:
                    _position += 4;
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type {wire}.");
            }
        }
    }
}
