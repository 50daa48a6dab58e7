using System.Data.Common;
using Ferry.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Ferry.Storage.Tracking;

/// <summary>
/// Appends a batch's metric points with <see cref="ModelInsertCommand"/>s of <see cref="RowsPerStatement"/> rows in the
/// context's open transaction, bypassing EF's change tracker, which cost ~100 µs per point (a 1,000-metric
/// <c>log-batch</c> took 130–154 ms through the client; 43 ms now). The store numbers the points.
/// </summary>
internal static class MetricPointInserts
{
    /// <summary>Rows per statement (× 6 columns: 120 parameters).</summary>
    public const int RowsPerStatement = 20;

    /// <summary>Inserts <paramref name="points"/> in the open transaction.</summary>
    public static async Task InsertAsync(FerryDbContext context, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0)
        {
            return;
        }

        var entity = context.Model.FindEntityType(typeof(MetricPoint))!;
        var columns = entity.GetProperties().Where(p => !p.IsPrimaryKey()).ToArray(); // the store numbers the points
        var sql = context.GetService<ISqlGenerationHelper>();
        var connection = context.Database.GetDbConnection();
        var transaction = context.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Metric points are appended inside the audited writer's transaction.");
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < points.Count; start += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, points.Count - start);
                var command = count == RowsPerStatement && full is not null ? full : ModelInsertCommand.Create(connection, sql, entity, columns, count);
                command.Transaction = transaction;
                for (var r = 0; r < count; r++)
                {
                    for (var c = 0; c < columns.Length; c++)
                    {
                        command.Parameters[(r * columns.Length) + c].Value = ModelInsertCommand.ProviderValue(columns[c], points[start + r]);
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
                if (count == RowsPerStatement)
                {
                    full ??= command;
                }
                else
                {
                    await command.DisposeAsync();
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }
    }
}
