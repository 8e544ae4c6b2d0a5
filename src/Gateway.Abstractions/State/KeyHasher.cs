using System.Security.Cryptography;
using System.Text;

namespace Gateway.State;

/// <summary>Hashes API keys the way they are stored: lower-case hex SHA-256 of the UTF-8 key.</summary>
public static class KeyHasher
{
    /// <summary>The form <paramref name="key"/> is stored and configured in (without the optional <c>sha256:</c> prefix).</summary>
    public static string Hash(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = key.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Accepts <c>sha256:HEX</c> or bare HEX; returns the lower-case hex or null when malformed.</summary>
    public static string? NormalizeStoredHash(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return null;
        }

        var hex = stored.Trim();
        if (hex.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex["sha256:".Length..];
        }

        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex.ToLowerInvariant() : null;
    }
}
