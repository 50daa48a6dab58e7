using System.Data.Common;
using System.Globalization;
using System.Text;
using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Ferry.Storage.Serving;

/// <summary>
/// The prediction log's insert path: multi-row <c>INSERT … VALUES (…), (…)</c> commands of up to
/// <see cref="RowsPerCommand"/> rows in one transaction, bypassing EF's change tracker (which costs tens of
/// microseconds per row, and the writer runs on the same cores as the requests). Table, columns and value conversions
/// come from the EF model, so the rows are exactly those <c>SaveChanges</c> would write, on every provider.
/// </summary>
public sealed partial class PredictionStore
{
    /// <summary>Rows per INSERT statement (× 9 columns stays far below SQLite's and PostgreSQL's parameter limits).</summary>
    public const int RowsPerCommand = 100;

    private async Task InsertRowsAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken)
    {
        var columns = Columns(db.Model.FindEntityType(typeof(PredictionRecord))!);
        var table = db.Model.FindEntityType(typeof(PredictionRecord))!.GetTableName()!;
        var sql = db.GetService<ISqlGenerationHelper>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            DbCommand? full = null;
            try
            {
                for (var start = 0; start < records.Count; start += RowsPerCommand)
                {
                    var rows = Math.Min(RowsPerCommand, records.Count - start);
                    var command = rows == RowsPerCommand && full is not null ? full : Command(connection, sql, table, columns, rows);
                    command.Transaction = transaction.GetDbTransaction();
                    for (var r = 0; r < rows; r++)
                    {
                        for (var c = 0; c < columns.Length; c++)
                        {
                            command.Parameters[(r * columns.Length) + c].Value = columns[c].Value(records[start + r]);
                        }
                    }

                    await command.ExecuteNonQueryAsync(cancellationToken);
                    if (rows == RowsPerCommand)
                    {
                        full ??= command;
                    }
                    else
                    {
                        await command.DisposeAsync();
                    }
                }

                await transaction.CommitAsync(cancellationToken);
            }
            finally
            {
                if (full is not null)
                {
                    await full.DisposeAsync();
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbCommand Command(DbConnection connection, ISqlGenerationHelper sql, string table, InsertColumn[] columns, int rows)
    {
        var command = connection.CreateCommand();
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table)).Append(" (");
        text.AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.Name))).Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"p{(r * columns.Length) + c}");
                // The type mapping configures the parameter as SaveChanges would (e.g. SQLite's GUIDs as TEXT).
                command.Parameters.Add(columns[c].Mapping.CreateParameter(command, sql.GenerateParameterName(name), null, nullable: true));
                text.Append(c == 0 ? string.Empty : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
            }

            text.Append(')');
        }

        command.CommandText = text.ToString();
        return command;
    }

    // One per mapped property: column name and the provider value (EF's value converter applied, null as DBNull).
    private static InsertColumn[] Columns(IEntityType entity)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return [.. entity.GetProperties().Select(property =>
        {
            var mapping = property.GetRelationalTypeMapping();
            var converter = mapping.Converter;
            var getter = property.GetGetter();
            return new InsertColumn(property.GetColumnName(table)!, mapping, record =>
            {
                var value = getter.GetClrValue(record);
                return (converter is null || value is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
            });
        })];
    }

    private sealed record InsertColumn(string Name, RelationalTypeMapping Mapping, Func<PredictionRecord, object> Value);
}
