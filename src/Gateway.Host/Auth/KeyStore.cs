using Gateway.Host.Configuration;
using Gateway.Host.Errors;

namespace Gateway.Host.Auth;

/// <summary>Authenticates callers against the configured virtual keys (<c>Authorization: Bearer &lt;key&gt;</c>).</summary>
internal sealed class KeyStore
{
    private readonly ReloadingSnapshot<KeySnapshot> _snapshot;

    public KeyStore(ReloadingSnapshot<KeySnapshot> snapshot) => _snapshot = snapshot;

    public KeySnapshot Current => _snapshot.Current;

    /// <summary>Returns null and the key when the request carries a valid key; otherwise the 401 to send.</summary>
    public GatewayError? Authenticate(HttpRequest request, out VirtualKey key)
    {
        key = null!;
        var header = request.Headers.Authorization;
        if (header.Count == 0)
        {
            return GatewayError.MissingKey();
        }

        var value = header[0].AsSpan().Trim();
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayError.MissingKey();
        }

        var presented = value["Bearer ".Length..].Trim();
        if (presented.IsEmpty || presented.Length > 1024)
        {
            return GatewayError.InvalidKey();
        }

        return _snapshot.Current.TryAuthenticate(presented, out key) ? null : GatewayError.InvalidKey();
    }
}
