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

    /// <summary>The database file a connection string names.</summary>
    public static string DatabaseFile(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;

    /// <summary>Applies Ferry's SQLite options to a builder.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The SQLite connection string.</param>
    /// <param name="compiledModel">
    /// Use the compiled model (CompiledModel/, from <c>dotnet ef dbcontext optimize</c>; <c>eng/schema-scripts.sh</c>
    /// regenerates it), which spares building the model by reflection at each start (a few hundred milliseconds of a
    /// cold start). Design-time tools pass false so migrations are diffed against the entity configurations.
    /// </param>
    public static DbContextOptionsBuilder UseFerrySqlite(this DbContextOptionsBuilder builder, string connectionString, bool compiledModel = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteStorage).Assembly.GetName().Name))
            .ReplaceService<IModelCacheKeyFactory, ProviderAwareModelCacheKeyFactory>()
            .LeaveFailuresToCallers();
        if (compiledModel)
        {
            builder.UseModel(CompiledModel.FerryDbContextModel.Instance);
        }

        return builder;
    }

    /// <summary>Adds the DbContext, the chain lock and the stores, on SQLite.</summary>
    public static IServiceCollection AddFerrySqliteStorage(this IServiceCollection services, string connectionString)
    {
        // Pooled: a request reuses a context and its internal services (with the options built once) instead of
        // building them, which was ~0.25 ms of a log-metric's server CPU (docs/benchmarks.md). FerryDbContext keeps
        // no state of its own; EF resets the change tracker and connection when a context returns to the pool.
        services.AddDbContextPool<FerryDbContext>(options => options.UseFerrySqlite(connectionString));
        services.AddSingleton<IAuditChainLock, SqliteAuditChainLock>();
        services.AddSingleton<IDatabasePreparer, SqlitePreparer>();
        services.AddSingleton<IEmptyDatabaseSchema, SqliteEmptySchema>();
        services.AddSingleton<ISqlDialect, SqliteDialect>();
        services.AddSingleton<Ferry.Core.Health.IDatabaseFaults, SqliteFaults>();
        services.AddSingleton<Serving.Log.IPredictionBulkCopy, SqlitePredictionCopy>();
        // Read-only, so a source whose file is gone fails instead of creating an empty database.
        var schemaSource = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString();
        Serving.Log.PayloadSchemas.AddSource(connectionString, () => new SqliteConnection(schemaSource));
        return services.AddFerryStores();
    }

    /// <summary>On SQLite, a write transaction already holds the database's single writer lock.</summary>
    private sealed class SqliteAuditChainLock : IAuditChainLock
    {
        public Task AcquireAsync(FerryDbContext db, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Schema/schema.sql: every migration as one script, for a brand-new database file.</summary>
    internal sealed class SqliteEmptySchema : IEmptyDatabaseSchema
    {
        private static readonly Lazy<string> Sql = new(() =>
        {
            using var stream = typeof(SqliteStorage).Assembly.GetManifestResourceStream("Ferry.Storage.Sqlite.Schema.schema.sql")
                ?? throw new InvalidOperationException("The embedded SQLite schema script is missing.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        });

        public string Script => Sql.Value;

        public async Task<bool> IsEmptyAsync(FerryDbContext db, CancellationToken cancellationToken)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table';";
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
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
        builder.UseFerrySqlite("Data Source=design-time.db", compiledModel: false);
        return new FerryDbContext(builder.Options);
    }
}
