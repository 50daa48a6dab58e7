namespace Ferry.Cli.Tests.Infrastructure;

/// <summary>One server, started once for every test in <see cref="SharedServerDefinition"/>; its data directory is fresh.</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dataDirectory = new("shared");
    private FerryServerProcess? _server;

    internal FerryServerProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>The admin secret the first start wrote to admin.token.</summary>
    internal string AdminToken => File.ReadAllText(Server.AdminTokenFile).Trim();

    public async Task InitializeAsync() => _server = await FerryServerProcess.StartAsync(_dataDirectory.Path);

    public Task DisposeAsync()
    {
        _server?.Dispose();
        _dataDirectory.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServerDefinition : ICollectionFixture<SharedServerFixture>
{
    public const string Name = "shared ferry server";
}
