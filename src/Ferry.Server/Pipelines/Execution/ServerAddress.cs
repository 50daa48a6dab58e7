using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Ferry.Server.Pipelines.Execution;

/// <summary>
/// The server's own address as a training command reaches it: Kestrel's first listening address, with a wildcard or
/// <c>localhost</c> host replaced by the loopback address (<c>127.0.0.1</c>).
/// </summary>
public sealed class ServerAddress(IServer server)
{
    /// <summary>E.g. <c>http://127.0.0.1:5000</c>; InvalidOperationException before the server listens.</summary>
    public string Url
    {
        get
        {
            var first = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("the server does not listen yet");
            var uri = new Uri(first.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
            var host = uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost" ? "127.0.0.1" : uri.Host;
            return new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
        }
    }
}
