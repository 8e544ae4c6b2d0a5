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
    private readonly List<(string Name, ulong[] Dims, GgufTensorType Type, float[] Data)> _tensors = [];

    public GgufWriter(uint alignment = 32)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), "Alignment must be a power of two.");
        }
        Alignment = alignment;
        Add("general.alignment", GgufValue.Of(alignment));
    }

    public uint Alignment { get; }

    public GgufWriter Add(string key, GgufValue value)
    {
        _metadata.RemoveAll(kv => kv.Key == key);
        _metadata.Add(new(key, value));
        return this;
    }

    /// <summary>Adds a tensor; <paramref name="dims"/> are in ggml order (innermost first).</summary>
    public GgufWriter AddTensor(string name, ulong[] dims, float[] data, GgufTensorType type = GgufTensorType.F32)
    {
        var count = dims.Aggregate(1UL, (a, b) => a * b);
        if ((ulong)data.LongLength != count)
        {
            throw new ArgumentException($"Tensor {name} has {data.Length} values but its shape holds {count}.", nameof(data));
        }
        _tensors.Add((name, dims, type, data));
        return this;
    }

    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream);
    }

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
            offset = Align(offset + ByteSize(t.Type, t.Data.Length));
        }

        Pad(w);
        foreach (var t in _tensors)
        {
            if (t.Type == GgufTensorType.F32)
            {
                w.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
            }
            else
            {
                foreach (var v in t.Data)
                {
                    w.Write(BitConverter.HalfToUInt16Bits((Half)v));
                }
            }
            Pad(w);
        }
    }

    private static ulong ByteSize(GgufTensorType type, int count) => (ulong)count * (type == GgufTensorType.F32 ? 4UL : 2UL);

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
