using Ferry.Core.Health;
using Npgsql;

namespace Ferry.Storage.PostgreSql;

/// <summary>
/// <see cref="IDatabaseFaults"/> on PostgreSQL: a connection that cannot be opened or was lost (Npgsql's transient
/// I/O, socket and timeout failures), and the server states that mean "not now": connection exceptions (08xxx),
/// insufficient resources (53xxx), shutdown or start-up (57P01-57P03) and system or I/O errors (58xxx). Serialization
/// failures and deadlocks are transient too, but the database is there: they are not an outage.
/// </summary>
public sealed class PostgreSqlFaults(string connectionString) : IDatabaseFaults
{
    /// <inheritdoc />
    public string? Unavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return IsUnavailable(postgres.SqlState) ? $"PostgreSQL {postgres.SqlState}: {postgres.MessageText}" : null;
                case NpgsqlException { IsTransient: true } npgsql:
                    return npgsql.InnerException is { } cause && cause is not NpgsqlException
                        ? $"{npgsql.Message} ({cause.Message})"
                        : npgsql.Message;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void ForgetConnections()
    {
        using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    private static bool IsUnavailable(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)
        || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("58", StringComparison.Ordinal)
        || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
}
