using Ferry.Storage;
using Ferry.Storage.PostgreSql;
using Ferry.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ferry.Testing;

/// <summary>
/// The fixture of every storage test class: a throw-away, migrated SQLite or PostgreSQL database with Ferry's storage
/// registered on a <see cref="FakeTimeProvider"/>. PostgreSQL classes are skipped locally when no server is configured
/// and fail in CI (<see cref="DatabaseRequirement"/>).
/// </summary>
public abstract class StorageTestBase(DatabaseKind kind) : IAsyncLifetime
{
    private TestDatabase? _database;
    private ServiceProvider? _services;

    /// <summary>The database this class runs on.</summary>
    protected DatabaseKind Kind => kind;

    /// <summary>The clock every store reads; tests move it with <c>Advance</c>.</summary>
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The throw-away database (for raw reads that bypass the stores).</summary>
    protected TestDatabase Database => _database ?? throw new InvalidOperationException("storage did not start");

    public async Task InitializeAsync()
    {
        if (kind == DatabaseKind.PostgreSql && TestDatabase.PostgresUnavailableReason is not null && !TestDatabase.InCi)
        {
            return;
        }

        _database = await TestDatabase.CreateAsync(kind);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(Clock);
        if (kind == DatabaseKind.Sqlite)
        {
            services.AddFerrySqliteStorage(_database.ConnectionString);
        }
        else
        {
            services.AddFerryPostgreSqlStorage(_database.ConnectionString);
        }

        ConfigureServices(services);
        _services = services.BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await DatabaseMigrator.MigrateAsync(scope.ServiceProvider.GetRequiredService<FerryDbContext>(), scope.ServiceProvider.GetService<IDatabasePreparer>());
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Adds what a test class needs beyond the storage registration.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>A new DI scope (one DbContext); skips the test when its database is unavailable locally.</summary>
    protected AsyncServiceScope Scope()
    {
        DatabaseRequirement.EnsureAvailable(kind);
        return (_services ?? throw new InvalidOperationException("storage did not start")).CreateAsyncScope();
    }
}
