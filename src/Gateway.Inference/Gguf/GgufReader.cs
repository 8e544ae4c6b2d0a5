using System.Text;

namespace Gateway.Inference.Gguf;

/// <summary>The header, metadata and tensor table of a GGUF file (tensor data is not read).</summary>
internal sealed record GgufFileInfo(
    uint Version,
    IReadOnlyDictionary<string, object> Metadata,
    IReadOnlyList<GgufTensorInfo> Tensors,
    long DataOffset);

/// <summary>One tensor's name, shape (ggml order), type and offset from the start of the data section.</summary>
internal sealed record GgufTensorInfo(string Name, ulong[] Dims, uint Type, ulong Offset);

/// <summary>Reads the header, metadata and tensor table of a GGUF file; used to inspect models cheaply.</summary>
internal static class GgufReader
{
    public static GgufFileInfo Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    public static GgufFileInfo Read(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (r.ReadUInt32() != 0x46554747)
        {
            throw new InvalidDataException("Not a GGUF file: the magic bytes are missing.");
        }
        var version = r.ReadUInt32();
        var tensorCount = r.ReadUInt64();
        var kvCount = r.ReadUInt64();
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = ReadString(r);
            metadata[key] = ReadValue(r, (GgufValueType)r.ReadUInt32());
        }
        var tensors = new List<GgufTensorInfo>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString(r);
            var dims = new ulong[r.ReadUInt32()];
            for (var d = 0; d < dims.Length; d++)
            {
                dims[d] = r.ReadUInt64();
            }
            tensors.Add(new GgufTensorInfo(name, dims, r.ReadUInt32(), r.ReadUInt64()));
        }
        var alignment = metadata.TryGetValue("general.alignment", out var a) ? Convert.ToInt64(a) : 32L;
        var dataOffset = (stream.Position + alignment - 1) / alignment * alignment;
        return new GgufFileInfo(version, metadata, tensors, dataOffset);
    }

    private static string ReadString(BinaryReader r)
    {
        var length = checked((int)r.ReadUInt64());
        return Encoding.UTF8.GetString(r.ReadBytes(length));
    }

    private static object ReadValue(BinaryReader r, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => r.ReadByte(),
        GgufValueType.Int8 => r.ReadSByte(),
        GgufValueType.UInt16 => r.ReadUInt16(),
        GgufValueType.Int16 => r.ReadInt16(),
        GgufValueType.UInt32 => r.ReadUInt32(),
        GgufValueType.Int32 => r.ReadInt32(),
        GgufValueType.Float32 => r.ReadSingle(),
        GgufValueType.Bool => r.ReadByte() != 0,
        GgufValueType.String => ReadString(r),
        GgufValueType.UInt64 => r.ReadUInt64(),
        GgufValueType.Int64 => r.ReadInt64(),
        GgufValueType.Float64 => r.ReadDouble(),
        GgufValueType.Array => ReadArray(r),
        _ => throw new InvalidDataException($"Unknown GGUF value type {(uint)type}."),
    };

    private static object[] ReadArray(BinaryReader r)
    {
        var elementType = (GgufValueType)r.ReadUInt32();
        var items = new object[checked((int)r.ReadUInt64())];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = ReadValue(r, elementType);
        }
        return items;
    }
}
