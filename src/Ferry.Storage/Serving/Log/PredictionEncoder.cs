using System.Data.Common;
using System.Globalization;
using Ferry.Core.Serving;

namespace Ferry.Storage.Serving.Log;

/// <summary>Encodes a batch for the log and registers the schemas its typed rows refer to.</summary>
internal static class PredictionEncoder
{
    /// <summary>The batch's rows encoded (typed where they can be), and the schemas they use.</summary>
    public static (EncodedPrediction[] Rows, Dictionary<uint, PayloadSchema> Schemas) Encode(IReadOnlyList<PredictionRecord> records)
    {
        var rows = new EncodedPrediction[records.Count];
        var schemas = new Dictionary<uint, PayloadSchema>();
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            // Straight from the served values when the router logged it and no text was set or written since; from
            // the text otherwise (or when a value has no typed form).
            PayloadSchema? inputSchema = null;
            var inputs = (r.Served is { } served && !r.HasInputsText() ? PayloadCodec.EncodeServed(served, r.ServedRow, out inputSchema) : null)
                ?? PayloadCodec.Encode(r.InputsJson, out inputSchema);
            PayloadSchema? outputSchema = null;
            var outputs = (r.Answer is { } answer && !r.HasOutputsText() ? PayloadCodec.EncodeAnswer(answer, out outputSchema) : null)
                ?? PayloadCodec.Encode(r.OutputsJson, out outputSchema);
            byte[]? shadow = null;
            PayloadSchema? shadowSchema = null;
            if (r.ShadowOutputsJson is { } shadowJson)
            {
                shadow = PayloadCodec.Encode(shadowJson, out shadowSchema);
            }

            Add(schemas, inputSchema);
            Add(schemas, outputSchema);
            Add(schemas, shadowSchema);
            rows[i] = new EncodedPrediction(r, inputs, outputs, shadow);
        }

        return (rows, schemas);
    }

    /// <summary>
    /// Inserts the schemas idempotently (<c>ON CONFLICT DO NOTHING</c>: two replicas may race) in the open transaction,
    /// then checks each stored text is the one hashed (a different text under the same id is a collision); rows whose
    /// schema collided are rewritten raw.
    /// </summary>
    public static async Task RegisterAsync(DbConnection connection, DbTransaction transaction, EncodedPrediction[] rows,
        Dictionary<uint, PayloadSchema> schemas, CancellationToken cancellationToken)
    {
        if (schemas.Count == 0)
        {
            return;
        }

        HashSet<uint>? collided = null;
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        foreach (var schema in schemas.Values)
        {
            var id = ((long)schema.Id).ToString(CultureInfo.InvariantCulture);
            insert.Parameters.Clear();
            var text = insert.CreateParameter();
            text.ParameterName = "@structure";
            text.Value = schema.Text;
            insert.Parameters.Add(text);
            insert.CommandText = $"INSERT INTO prediction_schemas (id, structure) VALUES ({id}, @structure) ON CONFLICT (id) DO NOTHING";
            await insert.ExecuteNonQueryAsync(cancellationToken);
            insert.Parameters.Clear();
            insert.CommandText = $"SELECT structure FROM prediction_schemas WHERE id = {id}";
            if (await insert.ExecuteScalarAsync(cancellationToken) is not string stored || !string.Equals(stored, schema.Text, StringComparison.Ordinal))
            {
                (collided ??= []).Add(schema.Id);
            }
        }

        if (collided is null)
        {
            return;
        }

        for (var i = 0; i < rows.Length; i++)
        {
            var (record, inputs, outputs, shadow) = rows[i];
            rows[i] = new EncodedPrediction(record,
                Uses(inputs, collided) ? PayloadCodec.EncodeRaw(record.InputsJson) : inputs,
                Uses(outputs, collided) ? PayloadCodec.EncodeRaw(record.OutputsJson) : outputs,
                shadow is not null && Uses(shadow, collided) ? PayloadCodec.EncodeRaw(record.ShadowOutputsJson!) : shadow);
        }
    }

    private static bool Uses(byte[] blob, HashSet<uint> schemas) =>
        blob.Length >= 5 && blob[0] == PayloadCodec.Typed && schemas.Contains(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(1)));

    private static void Add(Dictionary<uint, PayloadSchema> schemas, PayloadSchema? schema)
    {
        if (schema is not null)
        {
            schemas.TryAdd(schema.Id, schema);
        }
    }
}
