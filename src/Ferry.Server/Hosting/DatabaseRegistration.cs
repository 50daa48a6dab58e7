using System.Data.Common;
using Ferry.Core.Cluster;
using Ferry.Server.Cluster;
using Ferry.Storage.PostgreSql;
using Ferry.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Hosting;

/// <summary>Picks the metadata store from <see cref="FerryServerOptions.Database"/>.</summary>
public static class DatabaseRegistration
{
    /// <summary>The two supported databases.</summary>
    public enum Kind
    {
        /// <summary>The embedded default.</summary>
        Sqlite,

        /// <summary>The scale-out option.</summary>
        PostgreSql,
    }

    /// <summary>Decides which database a setting names, and the connection string to use.</summary>
    /// <exception cref="ArgumentException">The setting is neither a SQLite nor a PostgreSQL connection string.</exception>
    public static (Kind Kind, string ConnectionString) Resolve(string? database, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(database))
        {
            return (Kind.Sqlite, SqliteStorage.ConnectionStringFor(Path.Combine(dataDirectory, "ferry.db")));
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = database;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--database is not a connection string: {e.Message}", nameof(database), e);
        }

        if (builder.ContainsKey("Host") || builder.ContainsKey("Server"))
        {
            return (Kind.PostgreSql, database);
        }

        if (builder.ContainsKey("Data Source") || builder.ContainsKey("DataSource") || builder.ContainsKey("Filename"))
        {
            return (Kind.Sqlite, database);
        }

        throw new ArgumentException("--database must be a PostgreSQL connection string (Host=...;Database=...;Username=...) or a SQLite one (Data Source=path).", nameof(database));
    }

    /// <summary>The database file a SQLite connection string names.</summary>
    public static string SqliteFile(string connectionString) => SqliteStorage.DatabaseFile(connectionString);

    /// <summary>
    /// Registers the chosen store and its <see cref="IClusterSignals"/>: LISTEN/NOTIFY on PostgreSQL (settings from
    /// <see cref="ClusterOptions"/>), in-process on SQLite (one replica).
    /// </summary>
    public static IServiceCollection AddFerryDatabase(this IServiceCollection services, FerryServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (kind, connectionString) = Resolve(options.Database, options.DataDirectory);
        if (kind == Kind.PostgreSql)
        {
            services.AddSingleton<IClusterSignals>(provider =>
            {
                var cluster = provider.GetRequiredService<IOptions<ClusterOptions>>().Value;
                return new PostgreSqlClusterSignals(connectionString, provider.GetRequiredService<TimeProvider>(),
                    provider.GetRequiredService<ILogger<PostgreSqlClusterSignals>>(),
                    cluster.ReconnectMinDelay, cluster.ReconnectMaxDelay, cluster.KeepAliveInterval, cluster.SendGiveUpAfter);
            });
            return services.AddFerryPostgreSqlStorage(connectionString);
        }

        services.AddSingleton<IClusterSignals, InProcessClusterSignals>();
        return services.AddFerrySqliteStorage(connectionString);
    }
}
