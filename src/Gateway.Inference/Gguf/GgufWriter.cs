using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Inference.Gguf;

/// <summary>
/// Writes a GGUF v3 file: header, metadata entries of every type (arrays included), tensor infos,
/// then tensor data with each tensor aligned to <see cref="Alignment"/> bytes.
/// </summary>
public sealed class GgufWriter
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian
    private const uint Version = 3;
    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly List<(string Name, ulong[] Dims, GgufTensorType Type, float[]? Data, long Count, Action<long, Span<float>>? Fill)> _tensors = [];

    /// <summary>Creates an empty file with <c>general.alignment</c> already set.</summary>
    /// <param name="alignment">Byte alignment of each tensor's data; a power of two, default 32 (llama.cpp's default).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alignment"/> is not a power of two.</exception>
    public GgufWriter(uint alignment = 32)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), "Alignment must be a power of two.");
        }
        Alignment = alignment;
        Add("general.alignment", GgufValue.Of(alignment));
    }

    /// <summary>Byte alignment of each tensor's data, as given to the constructor.</summary>
    public uint Alignment { get; }

    /// <summary>Sets a metadata entry, replacing any of the same key; returns this writer so calls chain.</summary>
    public GgufWriter Add(string key, GgufValue value)
    {
        _metadata.RemoveAll(kv => kv.Key == key);
        _metadata.Add(new(key, value));
        return this;
    }

    /// <summary>Adds a tensor; <paramref name="dims"/> are in ggml order (innermost first).</summary>
    public GgufWriter AddTensor(string name, ulong[] dims, float[] data, GgufTensorType type = GgufTensorType.F32)
    {
        ArgumentNullException.ThrowIfNull(data);
        var count = CheckShape(name, dims, type);
        if ((ulong)data.LongLength != count)
        {
            throw new ArgumentException($"Tensor {name} has {data.Length} values but its shape holds {count}.", nameof(data));
        }
        _tensors.Add((name, dims, type, data, data.LongLength, null));
        return this;
    }

    /// <summary>
    /// Adds a tensor whose values are produced while the file is written, a chunk at a time, so a file of billions of
    /// values never holds them all in memory. <paramref name="fill"/> gets the index of the chunk's first value (in
    /// row-major order) and the span to fill; chunks start at multiples of <see cref="FillChunk"/> and may be filled
    /// concurrently, so the values must depend on the index alone.
    /// </summary>
    public GgufWriter AddTensor(string name, ulong[] dims, GgufTensorType type, Action<long, Span<float>> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var count = CheckShape(name, dims, type);
        _tensors.Add((name, dims, type, null, checked((long)count), fill));
        return this;
    }

    /// <summary>Values per chunk of a filled tensor (a multiple of the quantisation block).</summary>
    public const int FillChunk = 1 << 16;

    private static ulong CheckShape(string name, ulong[] dims, GgufTensorType type)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (type is GgufTensorType.Q4_0 or GgufTensorType.Q8_0 && (dims.Length == 0 || dims[0] % QuantBlock != 0))
        {
            throw new ArgumentException($"Tensor {name}: {type} needs rows of a multiple of {QuantBlock} values.", nameof(dims));
        }
        return dims.Aggregate(1UL, (a, b) => a * b);
    }

    /// <summary>Writes the file to <paramref name="path"/>, replacing any file there.</summary>
    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream);
    }

    /// <summary>Writes the file at the stream's position; the stream is left open.</summary>
    public void Write(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value.Type, value.Value, value.ElementType);
        }

        ulong offset = 0;
        foreach (var t in _tensors)
        {
            WriteString(w, t.Name);
            w.Write((uint)t.Dims.Length);
            foreach (var d in t.Dims)
            {
                w.Write(d);
            }
            w.Write((uint)t.Type);
            w.Write(offset);
            offset = Align(offset + ByteSize(t.Type, t.Count));
        }

        Pad(w);
        foreach (var t in _tensors)
        {
            if (t.Data is { } data)
            {
                WriteValues(w, t.Type, data);
            }
            else
            {
                WriteFilled(w, t.Type, t.Count, t.Fill!);
            }
            Pad(w);
        }
    }

    /// <summary>Fills and encodes a batch of chunks in parallel, then writes them in order.</summary>
    private static void WriteFilled(BinaryWriter w, GgufTensorType type, long count, Action<long, Span<float>> fill)
    {
        var batch = Math.Max(1, Environment.ProcessorCount) * 4;
        var chunkBytes = (int)ByteSize(type, FillChunk);
        var values = new float[batch * FillChunk];
        var bytes = new byte[batch * chunkBytes];
        w.Flush();
        for (long start = 0; start < count; start += (long)batch * FillChunk)
        {
            var chunks = (int)Math.Min(batch, (count - start + FillChunk - 1) / FillChunk);
            var written = new int[chunks];
            Parallel.For(0, chunks, c =>
            {
                var first = start + ((long)c * FillChunk);
                var length = (int)Math.Min(FillChunk, count - first);
                var span = values.AsSpan(c * FillChunk, length);
                fill(first, span);
                using var encoded = new MemoryStream(bytes, c * chunkBytes, chunkBytes);
                using var chunkWriter = new BinaryWriter(encoded);
                WriteValues(chunkWriter, type, span);
                chunkWriter.Flush();
                written[c] = (int)encoded.Position;
            });
            for (var c = 0; c < chunks; c++)
            {
                w.BaseStream.Write(bytes, c * chunkBytes, written[c]);
            }
        }
    }

    private static void WriteValues(BinaryWriter w, GgufTensorType type, ReadOnlySpan<float> data)
    {
        switch (type)
        {
            case GgufTensorType.F32:
                w.Write(MemoryMarshal.AsBytes(data));
                break;
            case GgufTensorType.F16:
                foreach (var v in data)
                {
                    w.Write(BitConverter.HalfToUInt16Bits((Half)v));
                }
                break;
            case GgufTensorType.BF16:
                foreach (var v in data)
                {
                    w.Write(ToBFloat16(v));
                }
                break;
            case GgufTensorType.Q4_0:
                for (var b = 0; b < data.Length; b += QuantBlock)
                {
                    WriteQ4Block(w, data.Slice(b, QuantBlock));
                }
                break;
            case GgufTensorType.Q8_0:
                for (var b = 0; b < data.Length; b += QuantBlock)
                {
                    WriteQ8Block(w, data.Slice(b, QuantBlock));
                }
                break;
            default:
                throw new NotSupportedException($"Tensor type {type} is not written by this writer.");
        }
    }

    private const int QuantBlock = 32;

    /// <summary>The upper 16 bits of an F32, rounded to nearest even; a NaN stays a (quiet) NaN.</summary>
    internal static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    private static ulong ByteSize(GgufTensorType type, long count) => type switch
    {
        GgufTensorType.F32 => (ulong)count * 4,
        GgufTensorType.F16 or GgufTensorType.BF16 => (ulong)count * 2,
        GgufTensorType.Q4_0 => (ulong)count / QuantBlock * (2 + (QuantBlock / 2)),
        GgufTensorType.Q8_0 => (ulong)count / QuantBlock * (2 + QuantBlock),
        _ => throw new NotSupportedException($"Tensor type {type} is not written by this writer."),
    };

    /// <summary>ggml's quantize_row_q4_0_ref: d = max / −8 for the value of largest magnitude, quants x/d + 8 in [0, 15].</summary>
    private static void WriteQ4Block(BinaryWriter w, ReadOnlySpan<float> x)
    {
        var max = 0f;
        var amax = 0f;
        foreach (var v in x)
        {
            if (MathF.Abs(v) > amax)
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }
        var d = max / -8f;
        var id = d != 0 ? 1f / d : 0f;
        w.Write(BitConverter.HalfToUInt16Bits((Half)d));
        for (var j = 0; j < QuantBlock / 2; j++)
        {
            var lo = Math.Min(15, (int)(sbyte)((x[j] * id) + 8.5f));
            var hi = Math.Min(15, (int)(sbyte)((x[j + (QuantBlock / 2)] * id) + 8.5f));
            w.Write((byte)(lo | (hi << 4)));
        }
    }

    /// <summary>ggml's quantize_row_q8_0_ref: d = amax / 127, quants round(x / d).</summary>
    private static void WriteQ8Block(BinaryWriter w, ReadOnlySpan<float> x)
    {
        var amax = 0f;
        foreach (var v in x)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }
        var d = amax / 127f;
        var id = d != 0 ? 1f / d : 0f;
        w.Write(BitConverter.HalfToUInt16Bits((Half)d));
        foreach (var v in x)
        {
            w.Write((sbyte)MathF.Round(v * id));
        }
    }

    private ulong Align(ulong value) => (value + Alignment - 1) / Alignment * Alignment;

    private void Pad(BinaryWriter w)
    {
        w.Flush();
        var position = (ulong)w.BaseStream.Position;
        var padding = Align(position) - position;
        for (ulong i = 0; i < padding; i++)
        {
            w.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value, GgufValueType elementType)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write(Convert.ToByte(value)); break;
            case GgufValueType.Int8: w.Write(Convert.ToSByte(value)); break;
            case GgufValueType.UInt16: w.Write(Convert.ToUInt16(value)); break;
            case GgufValueType.Int16: w.Write(Convert.ToInt16(value)); break;
            case GgufValueType.UInt32: w.Write(Convert.ToUInt32(value)); break;
            case GgufValueType.Int32: w.Write(Convert.ToInt32(value)); break;
            case GgufValueType.Float32: w.Write(Convert.ToSingle(value)); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt64: w.Write(Convert.ToUInt64(value)); break;
            case GgufValueType.Int64: w.Write(Convert.ToInt64(value)); break;
            case GgufValueType.Float64: w.Write(Convert.ToDouble(value)); break;
            case GgufValueType.Array:
                if (elementType == GgufValueType.Array)
                {
                    throw new NotSupportedException("Nested arrays are not written.");
                }
                var list = (IList)value;
                w.Write((uint)elementType);
                w.Write((ulong)list.Count);
                foreach (var item in list)
                {
                    WriteValue(w, elementType, item!, GgufValueType.UInt8);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown GGUF value type.");
        }
    }
}
