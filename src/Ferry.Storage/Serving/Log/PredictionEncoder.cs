using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Ferry.Core.Serving;

namespace Ferry.Storage.Serving.Log;

/// <summary>Encodes a batch for the log and registers the schemas its typed rows refer to.</summary>
internal static class PredictionEncoder
{
    // Schemas known to be stored in a database (id and text), by DatabaseKey.
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<uint, string>> Registered = new(StringComparer.Ordinal);

    // Batches being encoded ahead of their insert, by list instance; taken (and removed) by the insert.
    private static readonly ConditionalWeakTable<IReadOnlyList<PredictionRecord>, Prepared> Ahead = new();

    /// <summary>
    /// Starts encoding <paramref name="records"/> on the thread pool for an insert of the same list to take; returns
    /// that encoding (nothing to start for an empty list).
    /// </summary>
    public static Task Prepare(IReadOnlyList<PredictionRecord> records)
    {
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        var encoding = Task.Run(() => Encode(records));
        Ahead.AddOrUpdate(records, new Prepared(encoding, records.Count, records[0], records[^1]));
        return encoding;
    }

    /// <summary>
    /// The encoding <see cref="Prepare"/> started for this list, when its rows are still the ones it was started for
    /// (same count, same first and last record); otherwise the list encoded now.
    /// </summary>
    public static Task<(EncodedPrediction[] Rows, Dictionary<uint, PayloadSchema> Schemas)> TakeOrEncodeAsync(IReadOnlyList<PredictionRecord> records)
    {
        if (Ahead.TryGetValue(records, out var prepared))
        {
            Ahead.Remove(records);
            if (prepared.Count == records.Count && ReferenceEquals(prepared.First, records[0]) && ReferenceEquals(prepared.Last, records[^1]))
            {
                return prepared.Encoding;
            }
        }

        return Task.FromResult(Encode(records));
    }

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
    /// schema collided are rewritten raw. Skips the schemas already known to be in that database (<see cref="Committed"/>);
    /// returns the ones it found stored with their text.
    /// </summary>
    public static async Task<IReadOnlyCollection<PayloadSchema>> RegisterAsync(DbConnection connection, DbTransaction transaction, EncodedPrediction[] rows,
        Dictionary<uint, PayloadSchema> schemas, CancellationToken cancellationToken)
    {
        var verified = new List<PayloadSchema>();
        if (schemas.Count == 0)
        {
            return verified;
        }

        HashSet<uint>? collided = null;
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        var known = Registered.GetValueOrDefault(DatabaseKey(connection));
        foreach (var schema in schemas.Values)
        {
            // Known with this very text: a schema with the same id and another text (a collision) is still checked.
            if (known is not null && known.TryGetValue(schema.Id, out var knownText) && string.Equals(knownText, schema.Text, StringComparison.Ordinal))
            {
                continue;
            }

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
            else
            {
                verified.Add(schema);
            }
        }

        if (collided is null)
        {
            return verified;
        }

        for (var i = 0; i < rows.Length; i++)
        {
            var (record, inputs, outputs, shadow) = rows[i];
            rows[i] = new EncodedPrediction(record,
                Uses(inputs, collided) ? PayloadCodec.EncodeRaw(record.InputsJson) : inputs,
                Uses(outputs, collided) ? PayloadCodec.EncodeRaw(record.OutputsJson) : outputs,
                shadow is not null && Uses(shadow, collided) ? PayloadCodec.EncodeRaw(record.ShadowOutputsJson!) : shadow);
        }

        return verified;
    }

    /// <summary>
    /// Remembers that schemas <see cref="RegisterAsync"/> verified are now in the connection's database (call after
    /// its transaction committed), so later batches into it skip them: two statements a schema per batch, which the
    /// writer waits for. A schema that collided is not among them, so it is checked again each time.
    /// </summary>
    public static void Committed(DbConnection connection, IReadOnlyCollection<PayloadSchema> verified)
    {
        if (verified.Count == 0)
        {
            return;
        }

        var known = Registered.GetOrAdd(DatabaseKey(connection), static _ => new ConcurrentDictionary<uint, string>());
        foreach (var schema in verified)
        {
            known.TryAdd(schema.Id, schema.Text);
        }
    }

    // The database a connection writes to: its server (or file) and database name.
    private static string DatabaseKey(DbConnection connection) => connection.DataSource + "\n" + connection.Database;

    private static bool Uses(byte[] blob, HashSet<uint> schemas) =>
        blob.Length >= 5 && blob[0] == PayloadCodec.Typed && schemas.Contains(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(1)));

    private static void Add(Dictionary<uint, PayloadSchema> schemas, PayloadSchema? schema)
    {
        if (schema is not null)
        {
            schemas.TryAdd(schema.Id, schema);
        }
    }

    private sealed record Prepared(Task<(EncodedPrediction[] Rows, Dictionary<uint, PayloadSchema> Schemas)> Encoding, int Count, PredictionRecord First, PredictionRecord Last);
}
