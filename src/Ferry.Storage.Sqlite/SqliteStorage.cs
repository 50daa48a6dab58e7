using Ferry.Storage.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Storage.Sqlite;

/// <summary>Registers Ferry's metadata store on a SQLite file.</summary>
public static class SqliteStorage
{
    /// <summary>Builds the connection string for a database file (shared cache off, foreign keys on, 30 s busy timeout).</summary>
    public static string ConnectionStringFor(string databaseFile) => new SqliteConnectionStringBuilder
    {
        DataSource = databaseFile,
        Mode = SqliteOpenMode.ReadWriteCreate,
        ForeignKeys = true,
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    /// <summary>Applies Ferry's SQLite options to a builder.</summary>
    public static DbContextOptionsBuilder UseFerrySqlite(this DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteStorage).Assembly.GetName().Name))
            .ReplaceService<IModelCacheKeyFactory, ProviderAwareModelCacheKeyFactory>();
        return builder;
    }

    /// <summary>Adds the DbContext, the chain lock and the stores, on SQLite.</summary>
    public static IServiceCollection AddFerrySqliteStorage(this IServiceCollection services, string connectionString)
    {
        services.AddDbContext<FerryDbContext>(options => options.UseFerrySqlite(connectionString));
        services.AddSingleton<IAuditChainLock, SqliteAuditChainLock>();
        services.AddSingleton<IDatabasePreparer, SqlitePreparer>();
        services.AddSingleton<ISqlDialect, SqliteDialect>();
        return services.AddFerryStores();
    }

    /// <summary>On SQLite, a write transaction already holds the database's single writer lock.</summary>
    private sealed class SqliteAuditChainLock : IAuditChainLock
    {
        public Task AcquireAsync(FerryDbContext db, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Turns on write-ahead logging (persistent per file) before migrations run.</summary>
    private sealed class SqlitePreparer : IDatabasePreparer
    {
        public async Task PrepareAsync(FerryDbContext db, CancellationToken cancellationToken)
        {
            var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL;";
                await command.ExecuteScalarAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

/// <summary>Design-time factory so <c>dotnet ef migrations add</c> targets SQLite.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<FerryDbContext>
{
    /// <inheritdoc />
    public FerryDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<FerryDbContext>();
        builder.UseFerrySqlite("Data Source=design-time.db");
        return new FerryDbContext(builder.Options);
    }
}
