using System.Data.Common;
using System.Text;
using Ferry.Storage.Serving.Log;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// The prediction log's bulk path on SQLite: one statement prepared per batch on the connection's own handle, then
/// bound by position and stepped once per row, inside the store's open transaction.
/// </summary>
/// <remarks>
/// Through <see cref="SqliteCommand"/> each execution also binds every parameter by name (SQLite finds a name by a
/// linear search of the statement's parameters) and builds a data reader: on the 20-column credit pipeline this path
/// logs ~12 % more rows per second (docs/benchmarks.md). Values are written as EF writes them on SQLite (GUIDs as upper-case
/// text, integers as INTEGER, payloads as BLOB); <c>PredictionStoreTests</c> reads every column back through EF.
/// </remarks>
internal sealed class SqlitePredictionCopy : IPredictionBulkCopy
{
    private const string Insert = """
        INSERT INTO predictions (id, endpoint_name, model_name, model_version, "timestamp", inputs, outputs, shadow_outputs,
            latency_micros, subject_hash, input_digest, erased_at, erased_reasons_json)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
        """;

    /// <summary>The columns this path writes, for the test that compares them with the EF model's.</summary>
    internal static readonly string[] Columns =
    [
        "id", "endpoint_name", "model_name", "model_version", "timestamp", "inputs", "outputs", "shadow_outputs",
        "latency_micros", "subject_hash", "input_digest", "erased_at", "erased_reasons_json",
    ];

    /// <inheritdoc />
    public Task CopyAsync(DbConnection connection, IReadOnlyList<EncodedPrediction> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var db = ((SqliteConnection)connection).Handle!;
        Check(raw.sqlite3_prepare_v2(db, Insert, out var statement), db);
        Span<byte> id = stackalloc byte[36];
        var endpoint = new Utf8Text();
        var model = new Utf8Text();
        using (statement)
        {
            foreach (var (r, inputs, outputs, shadow) in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Check(raw.sqlite3_bind_text(statement, 1, UpperCaseText(r.Id, id)), db);
                Check(raw.sqlite3_bind_text(statement, 2, endpoint.Of(r.EndpointName)), db);
                Check(raw.sqlite3_bind_text(statement, 3, model.Of(r.ModelName)), db);
                Check(raw.sqlite3_bind_int64(statement, 4, r.ModelVersion), db);
                Check(raw.sqlite3_bind_int64(statement, 5, r.Timestamp), db);
                Check(raw.sqlite3_bind_blob(statement, 6, inputs), db);
                Check(raw.sqlite3_bind_blob(statement, 7, outputs), db);
                Check(shadow is null ? raw.sqlite3_bind_null(statement, 8) : raw.sqlite3_bind_blob(statement, 8, shadow), db);
                Check(raw.sqlite3_bind_int64(statement, 9, r.LatencyMicros), db);
                Check(Text(statement, 10, r.SubjectHash), db);
                Check(Text(statement, 11, r.InputDigest), db);
                Check(r.ErasedAt is { } erased ? raw.sqlite3_bind_int64(statement, 12, erased) : raw.sqlite3_bind_null(statement, 12), db);
                Check(Text(statement, 13, r.ErasedReasonsJson), db);
                var stepped = raw.sqlite3_step(statement);
                if (stepped != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(stepped, db);
                }

                Check(raw.sqlite3_reset(statement), db);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The id as EF's SQLite mapping writes it (<c>ToString().ToUpperInvariant()</c>), in UTF-8, without allocating.</summary>
    private static ReadOnlySpan<byte> UpperCaseText(Guid id, Span<byte> into)
    {
        id.TryFormat(into, out var written, "D");
        for (var i = 0; i < written; i++)
        {
            into[i] = into[i] is >= (byte)'a' and <= (byte)'f' ? (byte)(into[i] - 32) : into[i];
        }

        return into[..written];
    }

    private static int Text(sqlite3_stmt statement, int index, string? value) =>
        value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value);

    private static void Check(int result, sqlite3 db)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }

    /// <summary>The UTF-8 of the last text seen: a batch's rows mostly share their endpoint and model names.</summary>
    private sealed class Utf8Text
    {
        private string? _text;
        private byte[] _utf8 = [];

        public byte[] Of(string text)
        {
            if (!string.Equals(text, _text, StringComparison.Ordinal))
            {
                _text = text;
                _utf8 = Encoding.UTF8.GetBytes(text);
            }

            return _utf8;
        }
    }
}
