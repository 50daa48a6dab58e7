using System.Data.Common;
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
    // One row per statement, not 100: see ModelInsertCommand on SQLite's parameter lookup (36 % of a profiled log
    // benchmark's CPU with 1,300 parameters per statement).

    private async Task InsertRowsAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken)
    {
        var (rows, schemas) = await PredictionEncoder.TakeOrEncodeAsync(records);
        var entity = db.Model.FindEntityType(typeof(PredictionRecord))!;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var verified = await PredictionEncoder.RegisterAsync(connection, transaction.GetDbTransaction(), rows, schemas, cancellationToken);
            if (bulkCopy is not null)
            {
                await bulkCopy.CopyAsync(connection, rows, cancellationToken);
            }
            else
            {
                await InsertCommandsAsync(connection, transaction.GetDbTransaction(), entity, rows, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            PredictionEncoder.Committed(connection, verified);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task InsertCommandsAsync(DbConnection connection, DbTransaction transaction, IEntityType entity, EncodedPrediction[] rows, CancellationToken cancellationToken)
    {
        var columns = entity.GetProperties().ToArray();
        var values = columns.Select(Value).ToArray();
        await using var command = ModelInsertCommand.Create(connection, db.GetService<ISqlGenerationHelper>(), entity, columns, rows: 1);
        command.Transaction = transaction;
        await command.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            for (var c = 0; c < values.Length; c++)
            {
                command.Parameters[c].Value = values[c](row);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // A column's provider value: the encoded blobs for the payloads, the record's own value (converted) for the others.
    private static Func<EncodedPrediction, object> Value(IProperty property) => property.Name switch
    {
        nameof(PredictionRecord.InputsJson) => row => row.Inputs,
        nameof(PredictionRecord.OutputsJson) => row => row.Outputs,
        nameof(PredictionRecord.ShadowOutputsJson) => row => (object?)row.ShadowOutputs ?? DBNull.Value,
        _ => row => ModelInsertCommand.ProviderValue(property, row.Record),
    };
}
