using System.Data.Common;
using System.Globalization;
using System.Text;
using Ferry.Core.Serving;
using Ferry.Storage.Serving.Log;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Ferry.Storage.Serving;

/// <summary>
/// The prediction log's insert path: payloads encoded (<see cref="PayloadCodec"/>), their schemas registered, then
/// the provider's bulk copy (<see cref="IPredictionBulkCopy"/>) or one prepared single-row <c>INSERT</c> executed per
/// row, all in one transaction, bypassing EF's change tracker (which costs tens of microseconds per row, and the writer
/// runs on the same cores as the requests). Table, columns and value conversions
/// come from the EF model, so the rows are exactly those <c>SaveChanges</c> would write, on every provider.
/// </summary>
public sealed partial class PredictionStore
{
    // Not multi-row INSERTs: Microsoft.Data.Sqlite binds each parameter by name, and SQLite finds a name by a linear
    // search of the statement's parameters, so a 100-row statement of 1,300 parameters spent ~850,000 string compares
    // per execution (36 % of a profiled log benchmark's CPU). A prepared one-row statement binds 13 by short searches.

    private async Task InsertRowsAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken)
    {
        var (rows, schemas) = PredictionEncoder.Encode(records);
        var entity = db.Model.FindEntityType(typeof(PredictionRecord))!;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await PredictionEncoder.RegisterAsync(connection, transaction.GetDbTransaction(), rows, schemas, cancellationToken);
            if (bulkCopy is not null)
            {
                await bulkCopy.CopyAsync(connection, rows, cancellationToken);
            }
            else
            {
                await InsertCommandsAsync(connection, transaction.GetDbTransaction(), entity, rows, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task InsertCommandsAsync(DbConnection connection, DbTransaction transaction, IEntityType entity, EncodedPrediction[] rows, CancellationToken cancellationToken)
    {
        var columns = Columns(entity);
        await using var command = Command(connection, db.GetService<ISqlGenerationHelper>(), entity.GetTableName()!, columns);
        command.Transaction = transaction;
        await command.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                command.Parameters[c].Value = columns[c].Value(row);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DbCommand Command(DbConnection connection, ISqlGenerationHelper sql, string table, InsertColumn[] columns)
    {
        var command = connection.CreateCommand();
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table)).Append(" (");
        text.AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.Name))).Append(") VALUES (");
        for (var c = 0; c < columns.Length; c++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"p{c}");
            // The type mapping configures the parameter as SaveChanges would (e.g. SQLite's GUIDs as TEXT).
            command.Parameters.Add(columns[c].Mapping.CreateParameter(command, sql.GenerateParameterName(name), null, nullable: true));
            text.Append(c == 0 ? string.Empty : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
        }

        command.CommandText = text.Append(')').ToString();
        return command;
    }

    // One per mapped property: column name and the provider value (the encoded blobs for the payloads, EF's value
    // converter applied to the others, null as DBNull).
    private static InsertColumn[] Columns(IEntityType entity)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return [.. entity.GetProperties().Select(property =>
        {
            var mapping = property.GetRelationalTypeMapping();
            var name = property.GetColumnName(table)!;
            Func<EncodedPrediction, object> value = property.Name switch
            {
                nameof(PredictionRecord.InputsJson) => row => row.Inputs,
                nameof(PredictionRecord.OutputsJson) => row => row.Outputs,
                nameof(PredictionRecord.ShadowOutputsJson) => row => (object?)row.ShadowOutputs ?? DBNull.Value,
                _ => Converted(property, mapping.Converter),
            };
            return new InsertColumn(name, mapping, value);
        })];
    }

    private static Func<EncodedPrediction, object> Converted(IProperty property, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? converter)
    {
        var getter = property.GetGetter();
        return row =>
        {
            var value = getter.GetClrValue(row.Record);
            return (converter is null || value is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
        };
    }

    private sealed record InsertColumn(string Name, RelationalTypeMapping Mapping, Func<EncodedPrediction, object> Value);
}
