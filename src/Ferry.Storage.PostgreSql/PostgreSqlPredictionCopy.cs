using System.Data.Common;
using Ferry.Storage.Serving.Log;
using Npgsql;
using NpgsqlTypes;

namespace Ferry.Storage.PostgreSql;

/// <summary>The prediction log's bulk path on PostgreSQL: one binary <c>COPY … FROM STDIN</c> per batch.</summary>
internal sealed class PostgreSqlPredictionCopy : IPredictionBulkCopy
{
    private const string Copy = """
        COPY predictions (id, endpoint_name, model_name, model_version, "timestamp", inputs, outputs, shadow_outputs,
            latency_micros, subject_hash, input_digest, erased_at, erased_reasons_json) FROM STDIN (FORMAT BINARY)
        """;

    /// <inheritdoc />
    public async Task CopyAsync(DbConnection connection, IReadOnlyList<EncodedPrediction> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var import = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(Copy, cancellationToken);
        foreach (var (r, inputs, outputs, shadow) in rows)
        {
            // Synchronous writes fill Npgsql's buffer; it flushes when full. Awaiting each value costs more than the copy.
            import.StartRow();
            import.Write(r.Id, NpgsqlDbType.Uuid);
            import.Write(r.EndpointName, NpgsqlDbType.Varchar);
            import.Write(r.ModelName, NpgsqlDbType.Varchar);
            import.Write(r.ModelVersion, NpgsqlDbType.Integer);
            import.Write(r.Timestamp, NpgsqlDbType.Bigint);
            import.Write(inputs, NpgsqlDbType.Bytea);
            import.Write(outputs, NpgsqlDbType.Bytea);
            Write(import, shadow, NpgsqlDbType.Bytea);
            import.Write(r.LatencyMicros, NpgsqlDbType.Bigint);
            Write(import, r.SubjectHash, NpgsqlDbType.Varchar);
            Write(import, r.InputDigest, NpgsqlDbType.Varchar);
            Write(import, r.ErasedAt, NpgsqlDbType.Bigint);
            Write(import, r.ErasedReasonsJson, NpgsqlDbType.Text);
        }

        await import.CompleteAsync(cancellationToken);
    }

    private static void Write<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            import.WriteNull();
        }
        else
        {
            import.Write(value, type);
        }
    }
}
