using System.Text;

namespace Gateway.TestUtilities.Telemetry;

/// <summary>
/// Reads the parts of an OTLP <c>ExportTraceServiceRequest</c> (protobuf) that tests assert on: per resource its
/// <c>service.name</c>, per span its ids, name and kind. Field numbers are those of opentelemetry-proto's
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
            // ScopeSpans: 2 spans.
            var scopeReader = new Reader(scope);
            while (scopeReader.Next(out var field, out var wire))
            {
                if (field == 2 && wire == 2)
                {
                    spans.Add(Span(scopeReader.Bytes(), service));
                }
                else
                {
                    scopeReader.Skip(wire);
                }
            }
        }
    }

    // Resource: 1 attributes (KeyValue: 1 key, 2 value; AnyValue: 1 string_value).
    private static string ServiceName(ReadOnlySpan<byte> resource)
    {
        var reader = new Reader(resource);
        while (reader.Next(out var field, out var wire))
        {
            if (field != 1 || wire != 2)
            {
                reader.Skip(wire);
                continue;
            }

            var attribute = new Reader(reader.Bytes());
            string? key = null;
            string? value = null;
            while (attribute.Next(out var f, out var w))
            {
                if (f == 1 && w == 2)
                {
                    key = Encoding.UTF8.GetString(attribute.Bytes());
                }
                else if (f == 2 && w == 2)
                {
                    var any = new Reader(attribute.Bytes());
                    while (any.Next(out var af, out var aw))
                    {
                        if (af == 1 && aw == 2)
                        {
                            value = Encoding.UTF8.GetString(any.Bytes());
                        }
                        else
                        {
                            any.Skip(aw);
                        }
                    }
                }
                else
                {
                    attribute.Skip(w);
                }
            }

            if (key == "service.name" && value is not null)
            {
                return value;
            }
        }

        return "";
    }

    // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind.
    private static ReceivedSpan Span(ReadOnlySpan<byte> message, string service)
    {
        string traceId = "", spanId = "", parentId = "", name = "";
        var kind = 0;
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
                case (4, 2):
                    parentId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (5, 2):
                    name = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (6, 0):
                    kind = (int)reader.Varint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new ReceivedSpan(service, traceId, spanId, parentId, name, kind);
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
