using System.Globalization;
using System.Text.RegularExpressions;
using Ferry.Core.Audit;
using Ferry.Core.Serving;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Ferry.Storage.PostgreSql;

/// <summary>
/// The prediction log's day partitions on PostgreSQL. Partitions are found from the catalog by their bounds (not their
/// names); new ones are made as plain tables <c>LIKE</c> the log and attached (a lighter lock on the log than
/// <c>CREATE TABLE … PARTITION OF</c>), after the rows of their day are moved out of the DEFAULT partition, which
/// PostgreSQL requires. Row predicates go through EF, so column changes of the log need nothing here.
/// </summary>
public sealed partial class PostgreSqlPredictionPartitions(FerryDbContext db, AuditedWriter writer) : IPredictionPartitions
{
    /// <summary>The audit action of a dropped day partition.</summary>
    public const string DropAction = Oversight.PredictionSealStore.PartitionDropAction;

    /// <summary>Key of the transaction-scoped advisory lock that serialises partition creation across replicas.</summary>
    public const long CreateLockKey = 0x4665727279_50; // "Ferry" + 'P'

    /// <summary>How long a partition change waits for a lock on the log before it gives up until the next pass.</summary>
    public const string LockTimeout = "10s";

    private const string Table = PredictionPartitionSchema.Table;
    private const long DayMs = PredictionPartitionSchema.DayMs;

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionPartition>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await CatalogAsync(cancellationToken)).Days];

    /// <inheritdoc />
    public async Task<PartitionMaintenance> EnsureDaysAsync(long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        var created = new List<PredictionPartition>();
        long moved = 0;
        var existing = (await CatalogAsync(cancellationToken)).Days;
        for (var day = DayStart(fromMs); day < toMs; day += DayMs)
        {
            if (Overlaps(existing, day))
            {
                continue;
            }

            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await ExecAsync($"SET LOCAL lock_timeout = '{LockTimeout}'", cancellationToken);
                await ExecAsync(string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({CreateLockKey})"), cancellationToken);
                // Writers wait here, before they route a row: one routed to DEFAULT before the new day is attached and
                // checked after would fail the DEFAULT partition's constraint (seen as 23514 under a concurrent COPY).
                await ExecAsync($"LOCK TABLE {Table} IN SHARE ROW EXCLUSIVE MODE", cancellationToken);
                var catalog = await CatalogAsync(cancellationToken);
                existing = catalog.Days;
                if (Overlaps(existing, day))
                {
                    continue;
                }

                var partition = new PredictionPartition(NameOf(day), day, day + DayMs);
                var name = Quote(partition.Name);
                await ExecAsync($"CREATE TABLE {name} (LIKE {Table} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING CONSTRAINTS)", cancellationToken);
                if (catalog.Default is { } fallback)
                {
                    var columns = await InsertableColumnsAsync(cancellationToken);
                    moved += await ExecAsync(string.Create(CultureInfo.InvariantCulture,
                        $"WITH moved AS (DELETE FROM {Quote(fallback)} WHERE \"timestamp\" >= {day} AND \"timestamp\" < {day + DayMs} RETURNING {columns}) INSERT INTO {name} ({columns}) SELECT {columns} FROM moved"),
                        cancellationToken);
                }

                await ExecAsync(string.Create(CultureInfo.InvariantCulture, $"ALTER TABLE {Table} ATTACH PARTITION {name} FOR VALUES FROM ({day}) TO ({day + DayMs})"), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                created.Add(partition);
                existing = [.. existing, partition];
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        return new PartitionMaintenance(created, moved);
    }

    /// <inheritdoc />
    public async Task<PartitionDrop?> DropIfExpiredAsync(PredictionPartition partition, PartitionDropRule rule, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(rule);
        // A first look without locks: most passes find the oldest partition still held and stop here.
        var allPast = (rule.OthersBefore ?? long.MinValue) >= partition.ToMs && rule.Cuts.Values.All(c => c >= partition.ToMs);
        if (!allPast && await ExpiredEndpointsAsync(db, partition, rule, cancellationToken) is null)
        {
            return null;
        }

        try
        {
            return await writer.RunAsync(actor, async (context, ct) =>
            {
                await ExecAsync(context, $"SET LOCAL lock_timeout = '{LockTimeout}'", ct);
                // No row of the day may change while it is judged and dropped.
                await ExecAsync(context, $"LOCK TABLE {Quote(partition.Name)} IN SHARE MODE", ct);
                var endpoints = await ExpiredEndpointsAsync(context, partition, rule, ct) ?? throw new PartitionKeptException();
                var (from, to) = (partition.FromMs, partition.ToMs);
                var predictions = await context.Predictions.LongCountAsync(p => p.Timestamp >= from && p.Timestamp < to, ct);
                var feedback = await context.PredictionFeedback
                    .Where(f => context.Predictions.Any(p => p.Id == f.PredictionId && p.Timestamp >= from && p.Timestamp < to))
                    .ExecuteDeleteAsync(ct);
                int reviews = 0, seals = 0;
                foreach (var endpoint in endpoints)
                {
                    var (name, before) = (endpoint.Endpoint, endpoint.Before);
                    reviews += await context.PredictionReviews.Where(r => r.EndpointName == name && r.CreatedAt >= from && r.CreatedAt < before).ExecuteDeleteAsync(ct);
                    seals += await context.PredictionSeals.Where(s => s.EndpointName == name && s.From >= from && s.To <= before).ExecuteDeleteAsync(ct);
                }

                // Takes the log's ACCESS EXCLUSIVE lock, held only until the commit that follows.
                await ExecAsync(context, $"DROP TABLE {Quote(partition.Name)}", ct);
                // The audited writer may commit other changes in this transaction after this one: give them the default.
                await ExecAsync(context, "SET LOCAL lock_timeout TO DEFAULT", ct);
                var drop = new PartitionDrop(partition, endpoints, predictions, feedback, reviews, seals);
                return (drop, AuditRecord.Of(DropAction, $"predictions/{partition.Name}", new
                {
                    From = Time(from),
                    To = Time(to),
                    Endpoints = endpoints.Select(e => new { e.Endpoint, Before = Time(e.Before) }),
                    Predictions = predictions,
                    Feedback = feedback,
                    Reviews = reviews,
                    Seals = seals,
                }));
            }, cancellationToken);
        }
        catch (Exception e) when (e is PartitionKeptException || IsBusy(e))
        {
            return null;
        }
    }

    /// <summary>The UTC day start of <paramref name="ms"/>.</summary>
    public static long DayStart(long ms) => ms - (((ms % DayMs) + DayMs) % DayMs);

    /// <summary>The name of the day partition starting at <paramref name="dayStartMs"/>.</summary>
    public static string NameOf(long dayStartMs) =>
        PredictionPartitionSchema.DayPrefix + DateTimeOffset.FromUnixTimeMilliseconds(dayStartMs).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    // The endpoints of the partition's rows, each with the end of what goes; null when a row must stay.
    private static async Task<IReadOnlyList<PartitionDropEndpoint>?> ExpiredEndpointsAsync(FerryDbContext context, PredictionPartition partition, PartitionDropRule rule, CancellationToken cancellationToken)
    {
        var (from, to) = (partition.FromMs, partition.ToMs);
        var names = await context.Predictions.AsNoTracking()
            .Where(p => p.Timestamp >= from && p.Timestamp < to)
            .Select(p => p.EndpointName).Distinct().ToListAsync(cancellationToken);
        var endpoints = new List<PartitionDropEndpoint>(names.Count);
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            if (rule.CutOf(name) is not { } cut)
            {
                return null;
            }

            var kept = Math.Max(cut, from);
            if (cut < to && await context.Predictions.AsNoTracking().AnyAsync(p => p.EndpointName == name && p.Timestamp >= kept && p.Timestamp < to, cancellationToken))
            {
                return null;
            }

            endpoints.Add(new PartitionDropEndpoint(name, Math.Min(cut, to)));
        }

        return endpoints;
    }

    private async Task<(List<PredictionPartition> Days, string? Default)> CatalogAsync(CancellationToken cancellationToken)
    {
        var days = new List<PredictionPartition>();
        string? fallback = null;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"""
                SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass('{Table}')
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                var bound = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
                if (bound == "DEFAULT")
                {
                    fallback = name;
                }
                else if (Bounds().Match(bound) is { Success: true } match)
                {
                    days.Add(new PredictionPartition(name, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)));
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return ([.. days.OrderBy(d => d.FromMs)], fallback);
    }

    // The log's columns a row copy writes (generated columns are computed again).
    private async Task<string> InsertableColumnsAsync(CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"""
            SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = to_regclass('{Table}') AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
            """;
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private Task<int> ExecAsync(string sql, CancellationToken cancellationToken) => ExecAsync(db, sql, cancellationToken);

    // Inside an audited change, through the context the writer hands it (its transaction's connection).
    private static async Task<int> ExecAsync(FerryDbContext context, string sql, CancellationToken cancellationToken)
    {
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool Overlaps(IEnumerable<PredictionPartition> partitions, long day) => partitions.Any(p => p.FromMs < day + DayMs && day < p.ToMs);

    // A lock not granted in time, or a deadlock with a reader: the next pass tries again.
    private static bool IsBusy(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected };

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    [GeneratedRegex(@"FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)")]
    private static partial Regex Bounds();

    private sealed class PartitionKeptException : Exception;
}
