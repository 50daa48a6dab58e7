using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Storage.PostgreSql;

/// <summary>Registers Ferry's metadata store on PostgreSQL.</summary>
public static class PostgreSqlStorage
{
    /// <summary>Key of the transaction-scoped advisory lock that serialises audit appends across replicas.</summary>
    public const long AuditChainLockKey = 0x4665727279_41; // "Ferry" + 'A'

    /// <summary>Applies Ferry's PostgreSQL options to a builder.</summary>
    public static DbContextOptionsBuilder UseFerryPostgreSql(this DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgreSqlStorage).Assembly.GetName().Name))
            .ReplaceService<IModelCacheKeyFactory, ProviderAwareModelCacheKeyFactory>()
            .LeaveFailuresToCallers();
        return builder;
    }

    /// <summary>Adds the DbContext, the chain lock and the stores, on PostgreSQL.</summary>
    public static IServiceCollection AddFerryPostgreSqlStorage(this IServiceCollection services, string connectionString)
    {
        // Pooled: a request reuses a context and its internal services (with the options built once) instead of
        // building them, which was ~0.25 ms of a log-metric's server CPU (docs/benchmarks.md). FerryDbContext keeps
        // no state of its own; EF resets the change tracker and connection when a context returns to the pool.
        services.AddDbContextPool<FerryDbContext>(options => options.UseFerryPostgreSql(connectionString));
        services.AddSingleton<IAuditChainLock, AdvisoryAuditChainLock>();
        services.AddSingleton<ISqlDialect, PostgreSqlDialect>();
        services.AddSingleton<Ferry.Core.Health.IDatabaseFaults>(new PostgreSqlFaults(connectionString));
        services.AddSingleton<Serving.Log.IPredictionBulkCopy, PostgreSqlPredictionCopy>();
        Serving.Log.PayloadSchemas.AddSource(connectionString, () => new Npgsql.NpgsqlConnection(connectionString));
        services.AddScoped<Ferry.Core.Serving.IPredictionPartitions, PostgreSqlPredictionPartitions>();
        return services.AddFerryStores();
    }

    private sealed class AdvisoryAuditChainLock : IAuditChainLock
    {
        public Task AcquireAsync(FerryDbContext db, CancellationToken cancellationToken) =>
            db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AuditChainLockKey})", cancellationToken);
    }
}

/// <summary>Design-time factory so <c>dotnet ef migrations add</c> targets PostgreSQL.</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<FerryDbContext>
{
    /// <inheritdoc />
    public FerryDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<FerryDbContext>();
        builder.UseFerryPostgreSql("Host=localhost;Database=ferry_design");
        return new FerryDbContext(builder.Options);
    }
}
