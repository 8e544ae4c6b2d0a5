using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Host.Agents;

/// <summary>
/// Where agents reach the gateway's own front door: <c>Gateway:Agents:GatewayUrl</c> when set, else the
/// first address Kestrel listens on, with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) made loopback.
/// </summary>
internal sealed class AgentEndpointAddress(IServer server, IConfiguration configuration)
{
    public const string SettingPath = "Gateway:AgentGatewayUrl";

    public Uri ApiBase()
    {
        var configured = configuration[SettingPath];
        var address = !string.IsNullOrWhiteSpace(configured)
            ? configured
            : server.Features.Get<IServerAddressesFeature>()?.Addresses.OrderBy(a => a.StartsWith("https", StringComparison.Ordinal) ? 1 : 0).FirstOrDefault()
              ?? GatewayApplication.DefaultUrl;
        var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = builder.Host == "0.0.0.0" ? "127.0.0.1" : "[::1]";
        }

        builder.Path = builder.Path.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal) ? builder.Path.TrimEnd('/') : builder.Path.TrimEnd('/') + "/v1";
        return builder.Uri;
    }
}
