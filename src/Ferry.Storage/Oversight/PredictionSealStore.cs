using System.Globalization;
using System.Text.Json;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Oversight;

/// <summary>
/// Seals over the prediction log: leaves computed from the rows in pages (memory bounded by one hour's leaves), each seal
/// stored with its <c>predictions.seal</c> audit event in one transaction; verification recomputes them.
/// </summary>
public sealed partial class PredictionSealStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IPredictionSealStore
{
    /// <summary>The audit action of a seal.</summary>
    public const string SealAction = "predictions.seal";

    /// <summary>The audit action of a retention pass that removed sealed stretches.</summary>
    public const string ExpireAction = "predictions.expire";

    /// <summary>
    /// The audit action of a dropped day partition of the log (PostgreSQL): for each endpoint it names, the seals,
    /// rows and reviews of that day before its <c>before</c> went, as an expiry would have removed them.
    /// </summary>
    public const string PartitionDropAction = "predictions.partition-drop";

    /// <summary>Rows read per query while computing leaves.</summary>
    public const int PageSize = 2000;

    private const long HourMs = 3_600_000;

    // A seal stretch at most an hour long; a guard against a runaway loop (about eleven years of hours).
    private const int MaxSealsPerCall = 100_000;

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionSeal>> SealAsync(string endpointName, long upToMs, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointName);
        var made = new List<PredictionSeal>();
        var last = await LastSealEndAsync(db, endpointName, cancellationToken);
        for (var i = 0; i < MaxSealsPerCall; i++)
        {
            var start = last ?? long.MinValue;
            if (start >= upToMs || await NextRowTimeAsync(endpointName, start, upToMs, cancellationToken) is not { } next)
            {
                break;
            }

            var from = Math.Max(start, HourStart(next));
            var to = Math.Min(HourStart(from) + HourMs, upToMs);
            var leaves = new MemoryStream();
            var predictions = 0;
            var reviews = 0;
            await foreach (var leaf in LeavesAsync(endpointName, from, to, cancellationToken))
            {
                leaves.Write(leaf.Bytes);
                if (leaf.IsReview)
                {
                    reviews++;
                }
                else
                {
                    predictions++;
                }
            }

            var bytes = leaves.ToArray();
            var now = clock.GetUtcNow();
            var seal = new PredictionSeal
            {
                Id = Guid.CreateVersion7(now),
                EndpointName = endpointName,
                From = from,
                To = to,
                Predictions = predictions,
                Reviews = reviews,
                Leaves = bytes,
                Digest = PredictionDigests.SealDigest(bytes),
                SealedAt = now.ToUnixTimeMilliseconds(),
                SealedBy = actor,
            };
            var expected = last;
            try
            {
                await writer.RunAsync(actor, async (context, ct) =>
                {
                    // Another sealer (another replica) got there first: stop, its seals stand.
                    if (await LastSealEndAsync(context, endpointName, ct) != expected)
                    {
                        throw new ConflictException($"endpoint '{endpointName}' was sealed by someone else meanwhile");
                    }

                    context.PredictionSeals.Add(seal);
                    return (true, AuditRecord.Of(SealAction, $"endpoint/{endpointName}", new
                    {
                        From = Time(from),
                        To = Time(to),
                        seal.Predictions,
                        seal.Reviews,
                        seal.Digest,
                    }));
                }, cancellationToken);
            }
            catch (ConflictException)
            {
                break;
            }

            made.Add(seal);
            last = to;
        }

        return made;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> EndpointNamesAsync(CancellationToken cancellationToken = default)
    {
        var endpoints = await db.ServingEndpoints.AsNoTracking().Select(e => e.Name).ToListAsync(cancellationToken);
        var sealedOnes = await db.PredictionSeals.AsNoTracking().Select(s => s.EndpointName).Distinct().ToListAsync(cancellationToken);
        return [.. endpoints.Union(sealedOnes, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionSeal>> ListAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken = default) =>
        await SealHeaders(endpointName, fromMs, toMs).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<PredictionExpiry?> ExpireAsync(string endpointName, long beforeMs, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointName);
        if (await ExpirableBeforeAsync(endpointName, beforeMs, cancellationToken) is not { } cut)
        {
            return null;
        }

        return await writer.RunAsync(actor, async (context, ct) =>
        {
            // Feedback first: it is found through its prediction's time, which a later statement removes.
            var feedback = await context.PredictionFeedback
                .Where(f => context.Predictions.Any(p => p.Id == f.PredictionId && p.EndpointName == endpointName && p.Timestamp < cut))
                .ExecuteDeleteAsync(ct);
            var predictions = await context.Predictions.Where(p => p.EndpointName == endpointName && p.Timestamp < cut).ExecuteDeleteAsync(ct);
            var reviews = await context.PredictionReviews.Where(r => r.EndpointName == endpointName && r.CreatedAt < cut).ExecuteDeleteAsync(ct);
            var seals = await context.PredictionSeals.Where(s => s.EndpointName == endpointName && s.To <= cut).ExecuteDeleteAsync(ct);
            var expiry = new PredictionExpiry(endpointName, cut, seals, predictions, reviews, feedback);
            return (expiry, AuditRecord.Of(ExpireAction, $"endpoint/{endpointName}", new
            {
                Before = Time(cut),
                Seals = seals,
                Predictions = predictions,
                Reviews = reviews,
            }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> ExpirableBeforeAsync(string endpointName, long beforeMs, CancellationToken cancellationToken = default) =>
        db.PredictionSeals.AsNoTracking()
            .Where(s => s.EndpointName == endpointName && s.To <= beforeMs)
            .MaxAsync(s => (long?)s.To, cancellationToken);

    private IQueryable<PredictionSeal> SealHeaders(string endpointName, long fromMs, long toMs) =>
        db.PredictionSeals.AsNoTracking()
            .Where(s => s.EndpointName == endpointName && s.To > fromMs && s.From < toMs)
            .OrderBy(s => s.From)
            .Select(s => new PredictionSeal
            {
                Id = s.Id,
                EndpointName = s.EndpointName,
                From = s.From,
                To = s.To,
                Predictions = s.Predictions,
                Reviews = s.Reviews,
                Leaves = Array.Empty<byte>(),
                Digest = s.Digest,
                SealedAt = s.SealedAt,
                SealedBy = s.SealedBy,
            });

    private static Task<long?> LastSealEndAsync(FerryDbContext context, string endpointName, CancellationToken cancellationToken) =>
        context.PredictionSeals.AsNoTracking().Where(s => s.EndpointName == endpointName).MaxAsync(s => (long?)s.To, cancellationToken);

    // The earliest prediction or review of the endpoint in [start, end).
    private async Task<long?> NextRowTimeAsync(string endpointName, long start, long end, CancellationToken cancellationToken)
    {
        var prediction = await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpointName && p.Timestamp >= start && p.Timestamp < end)
            .MinAsync(p => (long?)p.Timestamp, cancellationToken);
        var review = await db.PredictionReviews.AsNoTracking()
            .Where(r => r.EndpointName == endpointName && r.CreatedAt >= start && r.CreatedAt < end)
            .MinAsync(r => (long?)r.CreatedAt, cancellationToken);
        return prediction is null ? review : review is null ? prediction : Math.Min(prediction.Value, review.Value);
    }

    private static long HourStart(long ms) => ms - (((ms % HourMs) + HourMs) % HourMs);

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>One row's leaf as it is sealed.</summary>
    private readonly record struct Leaf(Guid Id, bool IsReview, long At, byte[] Bytes);

    // Every leaf of [from, to): predictions by (Timestamp, Id), then reviews by (CreatedAt, Id); read in pages cut at
    // whole milliseconds, each millisecond's rows ordered by their id's bytes here (the same on every database).
    private async IAsyncEnumerable<Leaf> LeavesAsync(string endpointName, long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var predictions = db.Predictions.AsNoTracking().Where(p => p.EndpointName == endpointName);
        await foreach (var page in PagesAsync(
            (start, size) => Leafy(predictions.Where(p => p.Timestamp >= start && p.Timestamp < to).OrderBy(p => p.Timestamp).ThenBy(p => p.Id).Take(size)),
            at => Leafy(predictions.Where(p => p.Timestamp == at)),
            p => p.Timestamp,
            from,
            cancellationToken))
        {
            foreach (var p in page.OrderBy(p => p.Timestamp).ThenBy(p => p.Id, GuidBytes.Comparer))
            {
                yield return new Leaf(p.Id, false, p.Timestamp, LeafBytes(p.Id, PredictionDigests.PredictionText(p)));
            }
        }

        var reviews = db.PredictionReviews.AsNoTracking().Where(r => r.EndpointName == endpointName);
        await foreach (var page in PagesAsync(
            (start, size) => reviews.Where(r => r.CreatedAt >= start && r.CreatedAt < to).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(size),
            at => reviews.Where(r => r.CreatedAt == at),
            r => r.CreatedAt,
            from,
            cancellationToken))
        {
            foreach (var r in page.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, GuidBytes.Comparer))
            {
                yield return new Leaf(r.Id, true, r.CreatedAt, LeafBytes(r.Id, PredictionDigests.ReviewText(r)));
            }
        }
    }

    // Only the columns a leaf needs (not the shadow outputs).
    private static IQueryable<PredictionRecord> Leafy(IQueryable<PredictionRecord> rows) => rows.Select(p => new PredictionRecord
    {
        Id = p.Id,
        EndpointName = p.EndpointName,
        ModelName = p.ModelName,
        ModelVersion = p.ModelVersion,
        Timestamp = p.Timestamp,
        InputsJson = p.InputsJson,
        OutputsJson = p.OutputsJson,
        SubjectHash = p.SubjectHash,
        InputDigest = p.InputDigest,
        ErasedAt = p.ErasedAt,
    });

    private static byte[] LeafBytes(Guid id, string text)
    {
        var bytes = new byte[PredictionDigests.LeafSize];
        PredictionDigests.WriteLeaf(id, text, bytes);
        return bytes;
    }

    // Keyset pages on a millisecond time: a full page gives back its last millisecond (read again by the next page),
    // unless the whole page is one millisecond, which is then read on its own.
    private static async IAsyncEnumerable<List<T>> PagesAsync<T>(
        Func<long, int, IQueryable<T>> page,
        Func<long, IQueryable<T>> atOneTime,
        Func<T, long> timeOf,
        long from,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = from;
        while (true)
        {
            var rows = await page(cursor, PageSize).ToListAsync(cancellationToken);
            if (rows.Count < PageSize)
            {
                if (rows.Count > 0)
                {
                    yield return rows;
                }

                yield break;
            }

            var lastTime = timeOf(rows[^1]);
            var keep = rows.Where(r => timeOf(r) < lastTime).ToList();
            if (keep.Count == 0)
            {
                keep = await atOneTime(lastTime).ToListAsync(cancellationToken);
                cursor = lastTime + 1;
            }
            else
            {
                cursor = lastTime;
            }

            yield return keep;
        }
    }

    /// <summary>Orders ids by their RFC 4122 bytes, as PostgreSQL's uuid and SQLite's text ids sort.</summary>
    private sealed class GuidBytes : IComparer<Guid>
    {
        public static readonly GuidBytes Comparer = new();

        public int Compare(Guid x, Guid y)
        {
            Span<byte> a = stackalloc byte[16];
            Span<byte> b = stackalloc byte[16];
            x.TryWriteBytes(a, bigEndian: true, out _);
            y.TryWriteBytes(b, bigEndian: true, out _);
            return a.SequenceCompareTo(b);
        }
    }

    private static long ParseTime(JsonElement summary, string name) =>
        DateTimeOffset.Parse(summary.GetProperty(name).GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
