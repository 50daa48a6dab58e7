using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Ferry.Bench.Tracking;

/// <summary>Remembers the first command whose SQL mentions the runs table, to ask the database for its plan.</summary>
internal sealed class PlanCapture : DbCommandInterceptor
{
    public string? Sql { get; private set; }

    public List<(string Name, object? Value)> Parameters { get; } = [];

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        // SQLite quotes every identifier ("runs"); Npgsql only those that need it (runs).
        var text = command.CommandText;
        if (Sql is null && text.Contains("latest_metrics", StringComparison.Ordinal) && text.Contains("ORDER BY", StringComparison.Ordinal)
            && (text.Contains("FROM \"runs\"", StringComparison.Ordinal) || text.Contains("FROM runs", StringComparison.Ordinal)))
        {
            Sql = command.CommandText;
            Parameters.AddRange(command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)));
        }

        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
