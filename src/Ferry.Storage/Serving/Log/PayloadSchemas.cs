using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;

namespace Ferry.Storage.Serving.Log;

/// <summary>
/// The process's cache of <see cref="PayloadSchema"/>s, by id (decoding) and by the hash of a row's token stream
/// (encoding). Schemas are content-addressed, so one cache serves every database the process opens. A schema missing
/// here (registered by another replica, or before a restart) is read from the databases that registered a source
/// (<see cref="AddSource"/>).
/// </summary>
public static class PayloadSchemas
{
    private static readonly ConcurrentDictionary<uint, PayloadSchema> ById = new();
    private static readonly ConcurrentDictionary<ulong, PayloadSchema> ByShape = new();
    private static readonly ConcurrentDictionary<string, Func<DbConnection>> Sources = new(StringComparer.Ordinal);

    /// <summary>Adds a database to read unknown schemas from (a connection factory; its connections are opened here).</summary>
    public static void AddSource(string key, Func<DbConnection> connect) => Sources.TryAdd(key, connect);

    /// <summary>The schema a row's token-stream hash maps to, if one was seen.</summary>
    internal static PayloadSchema? ForShape(ulong shape) => ByShape.GetValueOrDefault(shape);

    /// <summary>
    /// Caches a schema read from a row (and the row's shape hash); null when another schema has its id (a 32-bit
    /// collision: the row is then stored as raw JSON).
    /// </summary>
    internal static PayloadSchema? Remember(PayloadSchema schema, ulong shape)
    {
        var cached = Remember(schema);
        if (cached is not null)
        {
            ByShape.TryAdd(shape, cached);
        }

        return cached;
    }

    /// <summary>Caches a schema made from a known shape (not a row); null when another schema has its id.</summary>
    internal static PayloadSchema? Remember(PayloadSchema schema)
    {
        var cached = ById.GetOrAdd(schema.Id, schema);
        return string.Equals(cached.Text, schema.Text, StringComparison.Ordinal) ? cached : null;
    }

    /// <summary>The schema with an id: cached, or read from a source database.</summary>
    /// <exception cref="InvalidOperationException">No known database has it.</exception>
    internal static PayloadSchema Get(uint id)
    {
        if (ById.TryGetValue(id, out var schema))
        {
            return schema;
        }

        foreach (var connect in Sources.Values)
        {
            if (TryLoad(connect, id) is { } loaded)
            {
                return ById.GetOrAdd(id, loaded);
            }
        }

        throw new InvalidOperationException($"Prediction payload schema {id} is not in prediction_schemas of any open database.");
    }

    /// <summary>Caches a schema text read from a database (it must hash to its id).</summary>
    internal static PayloadSchema? Load(uint id, string text)
    {
        var parsed = PayloadSchema.Parse(System.Text.Encoding.UTF8.GetBytes(text));
        return parsed is null || parsed.Id != id ? null : ById.GetOrAdd(id, parsed);
    }

    private static PayloadSchema? TryLoad(Func<DbConnection> connect, uint id)
    {
        try
        {
            using var connection = connect();
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT structure FROM prediction_schemas WHERE id = " + ((long)id).ToString(CultureInfo.InvariantCulture);
            return command.ExecuteScalar() is string text ? Load(id, text) : null;
        }
        catch (DbException)
        {
            return null; // that database is gone or has no such table: try the next
        }
    }
}
