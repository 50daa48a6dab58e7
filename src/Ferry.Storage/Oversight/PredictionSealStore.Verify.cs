using System.Text.Json;
using Ferry.Core.Oversight;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Oversight;

public sealed partial class PredictionSealStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Per endpoint, in time order: each seal's leaves against its digest and its audit event, then its rows recomputed
    /// against its leaves; every stretch before the endpoint's last seal that no seal covers must hold no rows; every
    /// <c>predictions.seal</c> event must still have its seal row unless a <c>predictions.expire</c> event covers it.
    /// </remarks>
    public async Task<PredictionSealVerification> VerifyAsync(long fromMs, long toMs, string? endpointName, CancellationToken cancellationToken = default)
    {
        var events = await SealEventsAsync(fromMs, endpointName, cancellationToken);
        var names = endpointName is not null
            ? [endpointName]
            : (await EndpointNamesAsync(cancellationToken)).Union(events.Seals.Select(e => e.Endpoint), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var walk = new VerifyWalk();
        foreach (var name in names)
        {
            if (await VerifyEndpointAsync(name, fromMs, toMs, events, walk, cancellationToken) is { } problem)
            {
                return walk.Result(problem);
            }
        }

        return walk.Result(null);
    }

    private async Task<SealProblem?> VerifyEndpointAsync(string name, long fromMs, long toMs, SealEvents events, VerifyWalk walk, CancellationToken cancellationToken)
    {
        var seals = await SealHeaders(name, fromMs, toMs).ToListAsync(cancellationToken);
        var lastEnd = await LastSealEndAsync(db, name, cancellationToken);
        var expiredBefore = events.Expiries.Where(e => e.Endpoint == name).Select(e => (long?)e.Before).Max();
        var drops = events.Drops.Where(d => d.Endpoint == name).ToList();
        var expired = new Expired(expiredBefore, drops);
        var mine = events.Seals.Where(e => e.Endpoint == name && e.To > fromMs && e.From < toMs).ToList();
        var byFrom = mine.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Last());

        // Segments in time order: each seal, and the stretches between them that no seal covers.
        // Up to the end of the last seal, or of the last seal event (a removed last seal row is still found).
        var eventEnd = mine.Where(e => !expired.Covers(e)).Select(e => (long?)e.To).Max();
        var cursor = fromMs;
        var coverEnd = Math.Min(toMs, Math.Max(lastEnd ?? long.MinValue, eventEnd ?? long.MinValue));
        foreach (var seal in seals)
        {
            if (cursor < seal.From && await UncoveredAsync(name, cursor, Math.Min(seal.From, coverEnd), mine, expired, cancellationToken) is { } gap)
            {
                return gap;
            }

            walk.Seals++;
            if (await CheckSealAsync(seal, byFrom.GetValueOrDefault(seal.From), walk, cancellationToken) is { } problem)
            {
                return problem;
            }

            cursor = Math.Max(cursor, seal.To);
        }

        return cursor < coverEnd ? await UncoveredAsync(name, cursor, coverEnd, mine, expired, cancellationToken) : null;
    }

    // A stretch no seal row covers: a seal event there means its seal row went (unless retention removed it, by an
    // expiry or a dropped day partition); a row there was written after its time was sealed.
    private async Task<SealProblem?> UncoveredAsync(string name, long from, long to, List<SealEvent> events, Expired expired, CancellationToken cancellationToken)
    {
        if (from >= to)
        {
            return null;
        }

        var orphan = events.Where(e => e.To > from && e.From < to && !expired.Covers(e)).MinBy(e => e.From);
        if (orphan is not null)
        {
            return new SealProblem(SealProblemKinds.SealMissing, null, null, name, Time(orphan.From),
                $"the seal of [{Time(orphan.From):O}, {Time(orphan.To):O}) recorded at audit sequence {orphan.Sequence} is gone, and no retention expiry removed it");
        }

        var prediction = await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == name && p.Timestamp >= from && p.Timestamp < to)
            .OrderBy(p => p.Timestamp).ThenBy(p => p.Id).Select(p => new { p.Id, p.Timestamp }).FirstOrDefaultAsync(cancellationToken);
        if (prediction is not null)
        {
            return new SealProblem(SealProblemKinds.NotSealed, prediction.Id, null, name, Time(prediction.Timestamp),
                "not in any seal: written after its time was sealed (inserted into a sealed stretch)");
        }

        var review = await db.PredictionReviews.AsNoTracking()
            .Where(r => r.EndpointName == name && r.CreatedAt >= from && r.CreatedAt < to)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => new { r.Id, r.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        return review is null
            ? null
            : new SealProblem(SealProblemKinds.NotSealed, null, review.Id, name, Time(review.CreatedAt),
                "not in any seal: written after its time was sealed (inserted into a sealed stretch)");
    }

    private async Task<SealProblem?> CheckSealAsync(PredictionSeal header, SealEvent? recorded, VerifyWalk walk, CancellationToken cancellationToken)
    {
        var name = header.EndpointName;
        var leaves = await db.PredictionSeals.AsNoTracking().Where(s => s.Id == header.Id).Select(s => s.Leaves).FirstAsync(cancellationToken);
        var at = Time(header.From);
        var stretch = $"[{at:O}, {Time(header.To):O})";
        if (PredictionDigests.SealDigest(leaves) != header.Digest
            || leaves.Length != PredictionDigests.LeafSize * (header.Predictions + header.Reviews))
        {
            return new SealProblem(SealProblemKinds.SealAltered, null, null, name, at, $"the seal of {stretch}: its leaves do not give its digest");
        }

        if (recorded is null)
        {
            return new SealProblem(SealProblemKinds.SealWithoutAudit, null, null, name, at, $"the seal of {stretch} has no predictions.seal audit event");
        }

        if (recorded.Digest != header.Digest || recorded.To != header.To)
        {
            return new SealProblem(SealProblemKinds.SealAltered, null, null, name, at,
                $"the seal of {stretch} differs from its audit event (sequence {recorded.Sequence})");
        }

        var rows = new List<Leaf>(header.Predictions + header.Reviews);
        await foreach (var leaf in LeavesAsync(name, header.From, header.To, cancellationToken))
        {
            rows.Add(leaf);
        }

        walk.Predictions += rows.Count(r => !r.IsReview);
        walk.Reviews += rows.Count(r => r.IsReview);
        return Compare(header, leaves, rows);
    }

    // Walks the sealed leaves and the recomputed rows side by side and names the first row that differs.
    private static SealProblem? Compare(PredictionSeal header, byte[] leaves, List<Leaf> rows)
    {
        var name = header.EndpointName;
        var count = leaves.Length / PredictionDigests.LeafSize;
        var sealedIds = new HashSet<Guid>(count);
        for (var k = 0; k < count; k++)
        {
            sealedIds.Add(PredictionDigests.LeafId(leaves.AsSpan(k * PredictionDigests.LeafSize, 16)));
        }

        var rowIds = rows.Select(r => r.Id).ToHashSet();
        int i = 0, j = 0;
        while (i < count || j < rows.Count)
        {
            var leaf = i < count ? leaves.AsSpan(i * PredictionDigests.LeafSize, PredictionDigests.LeafSize) : default;
            var sealedId = i < count ? PredictionDigests.LeafId(leaf) : Guid.Empty;
            if (i < count && j < rows.Count && sealedId == rows[j].Id)
            {
                if (!leaf.SequenceEqual(rows[j].Bytes))
                {
                    return Row(SealProblemKinds.Altered, rows[j], name, $"differs from its seal of {Stretch(header)}: its logged fields or digests were changed");
                }

                i++;
                j++;
            }
            else if (i < count && !rowIds.Contains(sealedId))
            {
                var isReview = i >= header.Predictions;
                return new SealProblem(SealProblemKinds.Missing, isReview ? null : sealedId, isReview ? sealedId : null, name, Time(header.From),
                    $"sealed in {Stretch(header)} but no longer in the log");
            }
            else if (j < rows.Count && !sealedIds.Contains(rows[j].Id))
            {
                return Row(SealProblemKinds.NotSealed, rows[j], name, $"not in any seal: inserted into {Stretch(header)} after it was sealed");
            }
            else
            {
                return Row(SealProblemKinds.Altered, rows[j], name, $"out of its sealed order in {Stretch(header)}: its time was changed");
            }
        }

        return null;
    }

    private static SealProblem Row(string kind, Leaf row, string name, string reason) =>
        new(kind, row.IsReview ? null : row.Id, row.IsReview ? row.Id : null, name, Time(row.At), reason);

    private static string Stretch(PredictionSeal s) => $"[{Time(s.From):O}, {Time(s.To):O})";

    // The seal and expiry events that may concern seals ending after fromMs (a seal is recorded after its stretch begins).
    private async Task<SealEvents> SealEventsAsync(long fromMs, string? endpointName, CancellationToken cancellationToken)
    {
        var since = Time(Math.Max(fromMs - HourMs, 0));
        var query = db.AuditEvents.AsNoTracking().Where(e => e.Action == SealAction || e.Action == ExpireAction || e.Action == PartitionDropAction);
        if (endpointName is not null)
        {
            var target = $"endpoint/{endpointName}";
            query = query.Where(e => e.Target == target || e.Action == PartitionDropAction);
        }

        var rows = await query.Where(e => e.OccurredAt >= since || e.Action == ExpireAction || e.Action == PartitionDropAction)
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Action, e.Target, e.Summary })
            .ToListAsync(cancellationToken);
        var seals = new List<SealEvent>();
        var expiries = new List<ExpiryEvent>();
        var drops = new List<DropEvent>();
        foreach (var row in rows)
        {
            if (row.Action == PartitionDropAction)
            {
                // Not per endpoint (its target is the partition): each endpoint it names gets its own stretch.
                using var drop = JsonDocument.Parse(row.Summary);
                var dropFrom = ParseTime(drop.RootElement, "from");
                foreach (var endpointOfDrop in drop.RootElement.GetProperty("endpoints").EnumerateArray())
                {
                    var named = endpointOfDrop.GetProperty("endpoint").GetString() ?? string.Empty;
                    if (endpointName is null || named == endpointName)
                    {
                        drops.Add(new DropEvent(named, dropFrom, ParseTime(endpointOfDrop, "before")));
                    }
                }

                continue;
            }

            var endpoint = row.Target.StartsWith("endpoint/", StringComparison.Ordinal) ? row.Target["endpoint/".Length..] : row.Target;
            using var summary = JsonDocument.Parse(row.Summary);
            var root = summary.RootElement;
            if (row.Action == SealAction)
            {
                seals.Add(new SealEvent(row.Sequence, endpoint, ParseTime(root, "from"), ParseTime(root, "to"), root.GetProperty("digest").GetString() ?? string.Empty));
            }
            else
            {
                expiries.Add(new ExpiryEvent(endpoint, ParseTime(root, "before")));
            }
        }

        return new SealEvents(seals, expiries, drops);
    }

    private sealed record SealEvent(long Sequence, string Endpoint, long From, long To, string Digest);

    private sealed record ExpiryEvent(string Endpoint, long Before);

    private sealed record DropEvent(string Endpoint, long From, long Before);

    private sealed record SealEvents(List<SealEvent> Seals, List<ExpiryEvent> Expiries, List<DropEvent> Drops);

    // What retention lawfully removed from one endpoint: everything before its last expiry, and each dropped day
    // partition's stretch.
    private sealed record Expired(long? Before, List<DropEvent> Drops)
    {
        public bool Covers(SealEvent seal) => Before >= seal.To || Drops.Any(d => d.From <= seal.From && seal.To <= d.Before);
    }

    private sealed class VerifyWalk
    {
        public int Seals { get; set; }

        public long Predictions { get; set; }

        public long Reviews { get; set; }

        public PredictionSealVerification Result(SealProblem? problem) => new(problem is null, Seals, Predictions, Reviews, problem);
    }
}
