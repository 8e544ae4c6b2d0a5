using System.Net;
using System.Net.Sockets;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>
/// Which addresses <c>http_get</c> refuses unless <c>AllowPrivateAddresses</c> is on: everything that is not a
/// public unicast address, so an agent cannot be steered at the gateway itself, its network or a cloud metadata service.
/// </summary>
internal static class HttpGetAddressRules
{
    /// <summary>Why <paramref name="address"/> is refused (<c>loopback</c>, <c>private</c>…), or null for a public address.</summary>
    public static string? WhyRefused(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => WhyRefusedV4(address.GetAddressBytes()),
        AddressFamily.InterNetworkV6 => WhyRefusedV6(address),
        _ => "non-IP",
    };

    private static string? WhyRefusedV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 => "unspecified",
        10 => "private",
        100 when (b[1] & 0xC0) == 64 => "shared (CGNAT)",
        127 => "loopback",
        169 when b[1] == 254 => "link-local",
        172 when (b[1] & 0xF0) == 16 => "private",
        192 when b[1] == 168 => "private",
        >= 224 and < 240 => "multicast",
        >= 240 => "reserved",
        _ => null,
    };

    private static string? WhyRefusedV6(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return WhyRefusedV4(address.MapToIPv4().GetAddressBytes()) is { } why ? "IPv4-mapped " + why : null;
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            // ::, ::1, and the deprecated IPv4-compatible ::a.b.c.d, which some stacks still route to IPv4.
            return b[12..15].IndexOfAnyExcept((byte)0) < 0 && b[15] <= 1 ? (b[15] == 0 ? "unspecified" : "loopback") : "IPv4-compatible";
        }

        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that the translator connects to.
        if (b[..12].SequenceEqual(Nat64Prefix))
        {
            return WhyRefusedV4(b[12..]) is { } why ? "NAT64 " + why : null;
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return WhyRefusedV4(b[2..6]) is { } why ? "6to4 " + why : null;
        }

        return b[0] switch
        {
            0xFF => "multicast",
            0xFE when (b[1] & 0xC0) == 0x80 => "link-local",
            0xFE when (b[1] & 0xC0) == 0xC0 => "site-local",
            0xFC or 0xFD => "unique-local",
            _ => null,
        };
    }

    private static ReadOnlySpan<byte> Nat64Prefix => [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0];
}
