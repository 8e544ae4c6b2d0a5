using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Craft.Worker;

/// <summary>
/// The gateway and a worker talk over the worker's stdin and stdout in frames: a 4-byte little-endian length,
/// then that many bytes of UTF-8 JSON. The gateway writes the limits, then one request at a time; the worker
/// answers the limits with the reply of a warm-up run, then each request with one reply carrying its id.
/// </summary>
internal static class WorkerProtocol
{
    /// <summary>Exit code of a worker whose heap ran out where no reply could be written.</summary>
    public const int ExitOutOfMemory = 3;

    /// <summary>Exit code of a worker that stopped itself because a run outlived its time limit by far.</summary>
    public const int ExitStuck = 4;

    /// <summary>Exit code of a worker whose input was not the protocol.</summary>
    public const int ExitBadInput = 5;

    /// <summary>The id of the reply to the limits frame (the warm-up run).</summary>
    public const long WarmUpId = 0;

    /// <summary>What the warm-up run returns when the engine works.</summary>
    public const string WarmUpResult = "3";

    /// <summary>The warm-up: a tool call that touches parsing, the prelude, JSON in and out.</summary>
    public const string WarmUpScript = "function add({ a, b }) { return a + b; }";

    public const string WarmUpArguments = """{"a":1,"b":2}""";

    private const int HeaderBytes = 4;

    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> type)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(value, type);
        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderBytes));
        return frame;
    }

    /// <summary>Reads one frame's payload; null at the end of the stream before a frame starts.</summary>
    /// <exception cref="InvalidDataException">The length is out of range or the stream ends inside a frame.</exception>
    public static byte[]? Read(Stream stream, int maxBytes)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        var got = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        if (got == 0)
        {
            return null;
        }

        var payload = new byte[Length(header, got, maxBytes)];
        try
        {
            stream.ReadExactly(payload);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The stream ended inside a frame.", e);
        }

        return payload;
    }

    /// <inheritdoc cref="Read"/>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        var got = await stream.ReadAtLeastAsync(header, HeaderBytes, throwOnEndOfStream: false, cancellationToken);
        if (got == 0)
        {
            return null;
        }

        var payload = new byte[Length(header, got, maxBytes)];
        try
        {
            await stream.ReadExactlyAsync(payload, cancellationToken);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The stream ended inside a frame.", e);
        }

        return payload;
    }

    private static int Length(ReadOnlySpan<byte> header, int got, int maxBytes)
    {
        if (got < HeaderBytes)
        {
            throw new InvalidDataException("The stream ended inside a frame header.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length >= 2 && length <= maxBytes
            ? length
            : throw new InvalidDataException($"A frame of {length} bytes is outside 2..{maxBytes}.");
    }
}
