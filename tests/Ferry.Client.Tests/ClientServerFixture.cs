using Ferry.Testing;

namespace Ferry.Client.Tests;

/// <summary>An in-process Ferry server on SQLite and a client with its admin token, shared by a test class.</summary>
public sealed class ClientServerFixture : IAsyncLifetime
{
    private FerryTestServer? _server;

    internal FerryTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    internal FerryClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        Client = new FerryClient(_server.Address, _server.AdminToken);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
