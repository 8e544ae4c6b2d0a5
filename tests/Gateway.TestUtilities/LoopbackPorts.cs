using System.Net;
using System.Net.Sockets;

namespace Gateway.TestUtilities;

/// <summary>Ports for servers a test starts itself.</summary>
public static class LoopbackPorts
{
    /// <summary>A loopback port free at the time of the call (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
