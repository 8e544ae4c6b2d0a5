using System.Security.Cryptography;
using System.Text;

namespace Gateway.Host.Batches;

/// <summary>
/// How the gateway's own batch lines prove themselves at its front door: a secret made at start and never stored or
/// shown (<see cref="LineHeader"/>), with the SHA-256 of the batch owner's key (<see cref="KeyHashHeader"/>). The
/// front door authenticates such a request as the owner's key (so a key revoked since stops its batches) and marks it
/// a batch line, which local models admit below interactive requests. A caller cannot claim it without the secret.
/// </summary>
internal sealed class BatchLineAuthority
{
    public const string LineHeader = "x-gateway-batch-line";
    public const string KeyHashHeader = "x-gateway-batch-key";

    private readonly byte[] _secret = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    public string Secret => Encoding.ASCII.GetString(_secret);

    /// <summary>Whether <paramref name="presented"/> is this process's secret (compared in constant time).</summary>
    public bool IsSecret(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), _secret);
}
