using System.Net;
using System.Net.Sockets;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>Resolves a host name to its addresses (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> by default).</summary>
internal delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

/// <summary>Opens a TCP connection to an address that was checked (a socket by default).</summary>
internal delegate ValueTask<Stream> AddressDialer(IPEndPoint endpoint, CancellationToken cancellationToken);

/// <summary>
/// Opens every connection <c>http_get</c> makes (<see cref="SocketsHttpHandler.ConnectCallback"/>), redirect hops
/// included: resolves the host itself, refuses it when any of its addresses is not public (see
/// <see cref="HttpGetAddressRules"/>), and connects to the very addresses it checked. The check and the connection
/// use one answer, so a name that answers differently on the next lookup (DNS rebinding) cannot reach an internal
/// address, and no proxy stands between the check and the connection.
/// </summary>
internal sealed class HttpGetConnector(bool allowPrivateAddresses, HostResolver? resolve = null, AddressDialer? dial = null)
{
    private readonly HostResolver _resolve = resolve ?? ((host, cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken));
    private readonly AddressDialer _dial = dial ?? DialAsync;

    /// <summary>An HTTP client whose connections all pass this connector; it follows no redirects itself.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        ConnectCallback = ConnectAsync,
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        // An answer the tool stops reading is dropped with its connection, not read to the end for reuse.
        MaxResponseDrainSize = 0,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    /// <summary>Connects to the request's host, or throws <see cref="UnauthorizedAccessException"/> naming the refused address.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await _resolve(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!allowPrivateAddresses)
        {
            foreach (var address in addresses)
            {
                if (HttpGetAddressRules.WhyRefused(address) is { } why)
                {
                    throw new UnauthorizedAccessException(
                        $"'{host}' is {(literal is null ? $"at {address}, " : "")}a {why} address; http_get fetches public addresses only.");
                }
            }
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            try
            {
                return await _dial(new IPEndPoint(address, port), cancellationToken);
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }

        throw last!;
    }

    private static async ValueTask<Stream> DialAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
