using Xunit;

namespace Ferry.Testing;

/// <summary>One in-process Ferry server shared by a test class, on the fixture's database kind.</summary>
public abstract class ServerFixture : IAsyncLifetime
{
    private FerryTestServer? _server;

    public abstract DatabaseKind Kind { get; }

    /// <summary>The server; skips (locally) or fails (CI) when its database is unavailable.</summary>
    public FerryTestServer Server
    {
        get
        {
            DatabaseRequirement.EnsureAvailable(Kind);
            return _server ?? throw new InvalidOperationException("The test server did not start.");
        }
    }

    public async Task InitializeAsync()
    {
        if (Kind == DatabaseKind.PostgreSql && TestDatabase.PostgresUnavailableReason is not null && !TestDatabase.InCi)
        {
            return;
        }

        _server = await FerryTestServer.StartAsync(Kind);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public sealed class SqliteServerFixture : ServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresServerFixture : ServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.PostgreSql;
}
