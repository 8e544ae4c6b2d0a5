using System.Net;
using System.Net.Sockets;
using Gateway.Agents.Tools.BuiltIn;

namespace Gateway.UnitTests.Agents;

/// <summary>The address checks of <c>http_get</c>'s connections, with a hand-written resolver and a dialer that records every connection attempt.</summary>
public sealed class HttpGetConnectorTests
{
    private readonly Dictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["internal.example"] = [IPAddress.Parse("192.168.0.10")],
        ["metadata.example"] = [IPAddress.Parse("169.254.169.254")],
        // One public and one internal answer: the connection must not pick the public one and ignore the other.
        ["mixed.example"] = [IPAddress.Parse("203.0.113.7"), IPAddress.Parse("127.0.0.1")],
        ["v6loop.example"] = [IPAddress.IPv6Loopback],
    };

    private readonly List<IPEndPoint> _dialed = [];

    [Theory]
    [InlineData("http://10.0.0.1/", "10.0.0.1", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local")]
    [InlineData("http://100.64.0.1/", "100.64.0.1", "CGNAT")]
    [InlineData("http://[::1]:8080/", "[::1]:8080", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]/", "[::ffff:127.0.0.1]", "IPv4-mapped loopback")]
    [InlineData("http://[fd00::1]/", "fd00::1", "unique-local")]
    [InlineData("http://0.0.0.0/", "0.0.0.0", "unspecified")]
    [InlineData("http://internal.example/", "internal.example", "at 192.168.0.10, a private")]
    [InlineData("http://metadata.example/", "metadata.example", "link-local")]
    [InlineData("http://mixed.example/", "mixed.example", "at 127.0.0.1, a loopback")]
    [InlineData("https://v6loop.example/", "v6loop.example", "loopback")]
    public async Task GetAsync_InternalAddress_RefusedWithoutConnecting(string url, string entry, string reason)
    {
        var plugin = Plugin(allowPrivateAddresses: false, entry);

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => plugin.GetAsync(url));

        Assert.Contains(reason, error.Message);
        Assert.Empty(_dialed);
    }

    [Fact]
    public async Task GetAsync_PrivateAddressesAllowed_ConnectsToTheResolvedAddress()
    {
        var plugin = Plugin(allowPrivateAddresses: true, "internal.example:8080");

        // The dialer refuses every connection; the attempt shows where the connector went.
        await Assert.ThrowsAsync<HttpRequestException>(() => plugin.GetAsync("http://internal.example:8080/"));

        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.168.0.10"), 8080)], _dialed);
    }

    [Fact]
    public async Task GetAsync_PublicAddress_ConnectsToTheCheckedAddress()
    {
        _names["public.example"] = [IPAddress.Parse("203.0.113.7")];
        var plugin = Plugin(allowPrivateAddresses: false, "public.example");

        await Assert.ThrowsAsync<HttpRequestException>(() => plugin.GetAsync("http://public.example/"));

        Assert.Equal([new IPEndPoint(IPAddress.Parse("203.0.113.7"), 80)], _dialed);
    }

    private HttpGetPlugin Plugin(bool allowPrivateAddresses, string entry)
    {
        var connector = new HttpGetConnector(allowPrivateAddresses,
            (host, _) => Task.FromResult(_names.TryGetValue(host, out var addresses) ? addresses : []),
            (endpoint, _) =>
            {
                _dialed.Add(endpoint);
                throw new SocketException((int)SocketError.ConnectionRefused);
            });
        return new HttpGetPlugin(connector.CreateClient(), HttpGetAllowList.Parse([entry]), 100, TimeSpan.FromSeconds(10), TimeProvider.System);
    }
}
