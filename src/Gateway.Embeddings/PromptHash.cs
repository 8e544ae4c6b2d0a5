using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Embeddings;

/// <summary>A 128-bit key for a prompt (the first half of its SHA-256), used by the embedding caches.</summary>
internal static class PromptHash
{
    public static UInt128 Of(string prompt)
    {
        var bytes = Encoding.UTF8.GetBytes(prompt);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
