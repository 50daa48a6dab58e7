using System.Net;
using System.Net.Sockets;

namespace Ferry.Cli.Tests.Infrastructure;

/// <summary>Finds a loopback port nobody listens on right now.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
