using System.Text;
using Gateway.State;

namespace Gateway.Redis.Cache;

/// <summary>A compact binary form of <see cref="CachedResponse"/>: the body stays raw bytes (no base64).</summary>
internal static class CachedResponseCodec
{
    private const byte Version = 1;

    public static byte[] Encode(CachedResponse response)
    {
        using var stream = new MemoryStream(response.Body.Length + 64);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(response.Status);
            writer.Write(response.ContentType);
            writer.Write(response.Model);
            writer.Write(response.Body.Length);
            writer.Write(response.Body);
        }

        return stream.ToArray();
    }

    /// <summary>The response, or null for a value this version cannot read (treated as a miss).</summary>
    public static CachedResponse? Decode(byte[] value)
    {
        if (value.Length == 0 || value[0] != Version)
        {
            return null;
        }

        using var reader = new BinaryReader(new MemoryStream(value), Encoding.UTF8);
        reader.ReadByte();
        var status = reader.ReadInt32();
        var contentType = reader.ReadString();
        var model = reader.ReadString();
        var body = reader.ReadBytes(reader.ReadInt32());
        return new CachedResponse(status, contentType, body, model);
    }
}
