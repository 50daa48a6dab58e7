using System.Text.Json;
using Ferry.Core.Audit;
using Ferry.Core.Monitoring;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Statistics;
using Ferry.Statistics.Profiles;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Oversight;

/// <summary>
/// A data subject's decisions by keyed hash: export reads them, erasure removes the personal inputs from the prediction
/// log, the ground truth and the profile buckets in one audited transaction per batch.
/// </summary>
/// <remarks>
/// Where else a served record's inputs could live, and why nothing else is touched: reviews hold the reviewer's outcome
/// and reason (the human decision, kept with the record); shadow outputs, monitor reports' drift statistics and alerts
/// hold answers and aggregates, not inputs; reference profiles, reference columns and holdout datasets are uploaded
/// training or evaluation data, not served records; the audit trail never records inputs or keys.
/// </remarks>
public sealed class SubjectStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : ISubjectStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<SubjectDecision>> FindAsync(string subjectHash, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectHash);
        var predictions = await db.Predictions.AsNoTracking().Where(p => p.SubjectHash == subjectHash)
            .OrderBy(p => p.Timestamp).ThenBy(p => p.Id).Take(limit).ToListAsync(cancellationToken);
        var ids = predictions.Select(p => p.Id).ToList();
        var feedback = await db.PredictionFeedback.AsNoTracking().Where(f => ids.Contains(f.PredictionId)).ToDictionaryAsync(f => f.PredictionId, cancellationToken);
        var reviews = (await db.PredictionReviews.AsNoTracking().Where(r => ids.Contains(r.PredictionId)).ToListAsync(cancellationToken))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToLookup(r => r.PredictionId);
        return [.. predictions.Select(p => new SubjectDecision(p, feedback.GetValueOrDefault(p.Id), [.. reviews[p.Id]]))];
    }

    /// <inheritdoc />
    public Task RecordExportAsync(string subjectHash, int decisions, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectHash);
        return writer.RunAsync(actor, (_, _) => Task.FromResult((true, AuditRecord.Of("subject.export", $"subject/{subjectHash}", new { SubjectHash = subjectHash, Decisions = decisions }))), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SubjectErasure> EraseAsync(string subjectHash, IReadOnlyDictionary<Guid, string?> reasons, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectHash);
        ArgumentNullException.ThrowIfNull(reasons);
        var ids = reasons.Keys.ToList();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var rows = await context.Predictions.Where(p => p.SubjectHash == subjectHash && p.ErasedAt == null && ids.Contains(p.Id)).ToListAsync(ct);
            var (redacted, removed) = await RedactProfilesAsync(context, rows, ct);
            foreach (var row in rows)
            {
                row.InputDigest = PredictionDigests.Input(row.InputsJson);
                row.InputsJson = "{}";
                row.ErasedAt = now;
                row.ErasedReasonsJson = reasons[row.Id];
            }

            var feedback = await context.PredictionFeedback
                .Where(f => context.Predictions.Any(p => p.Id == f.PredictionId && p.SubjectHash == subjectHash)).ToListAsync(ct);
            context.PredictionFeedback.RemoveRange(feedback);
            var erasure = new SubjectErasure(rows.Count, feedback.Count, redacted, removed);
            return (erasure, AuditRecord.Of("subject.erase", $"subject/{subjectHash}", new
            {
                SubjectHash = subjectHash,
                erasure.Predictions,
                erasure.Feedback,
                erasure.ProfileBuckets,
                erasure.ProfileBucketsRemoved,
            }));
        }, cancellationToken);
    }

    // The subject's rows are folded into the profile buckets of their endpoint, version and time. A bucket that holds
    // nothing but the subject's rows is removed; in any other, the subject's values that are not reference categories
    // lose their names (their counts move to the untracked unseen count) and a minimum or maximum equal to one of the
    // subject's numbers is replaced by the quantile sketch's estimate (within its relative accuracy).
    private static async Task<(int Redacted, int Removed)> RedactProfilesAsync(FerryDbContext context, List<PredictionRecord> rows, CancellationToken ct)
    {
        var byBucket = new Dictionary<Guid, (ProfileBucket Bucket, List<JsonElement> Inputs)>();
        var documents = new List<JsonDocument>();
        try
        {
            foreach (var row in rows)
            {
                var buckets = await context.ProfileBuckets.Where(b => b.EndpointName == row.EndpointName && b.ModelName == row.ModelName
                    && b.ModelVersion == row.ModelVersion && b.BucketStart <= row.Timestamp && b.BucketStart + b.BucketMillis > row.Timestamp).ToListAsync(ct);
                if (buckets.Count == 0)
                {
                    continue;
                }

                var document = JsonDocument.Parse(row.InputsJson);
                documents.Add(document);
                foreach (var bucket in buckets)
                {
                    if (!byBucket.TryGetValue(bucket.Id, out var entry))
                    {
                        byBucket[bucket.Id] = entry = (bucket, []);
                    }

                    entry.Inputs.Add(document.RootElement);
                }
            }

            var (redacted, removed) = (0, 0);
            foreach (var (bucket, inputs) in byBucket.Values)
            {
                if (bucket.Rows <= inputs.Count)
                {
                    context.ProfileBuckets.Remove(bucket);
                    removed++;
                    continue;
                }

                var profile = JsonSerializer.Deserialize(bucket.ProfileJson, StatisticsJsonContext.Default.DatasetProfile)
                    ?? throw new InvalidOperationException($"Profile bucket {bucket.Id} holds no profile.");
                var columns = profile.Columns.ToDictionary(c => c.Key, c => Redact(c.Value, inputs), StringComparer.Ordinal);
                bucket.ProfileJson = JsonSerializer.Serialize(new DatasetProfile(profile.Rows, columns, profile.RefusedRequests), StatisticsJsonContext.Default.DatasetProfile);
                redacted++;
            }

            return (redacted, removed);
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    private static ColumnProfile Redact(ColumnProfile column, List<JsonElement> inputs)
    {
        var counts = new Dictionary<string, long>(column.CategoryCounts, StringComparer.Ordinal);
        var untracked = column.UntrackedUnseenCount;
        var (min, max) = (column.Min, column.Max);
        var reference = new HashSet<string>(column.ReferenceCategories, StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty(column.Name, out var value))
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text && !reference.Contains(text)
                && counts.TryGetValue(text, out var count))
            {
                counts.Remove(text);
                untracked += count;
            }
            else if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
            {
                if (number.Equals(min))
                {
                    min = column.Sketch.Count > 0 ? column.Sketch.Quantile(0) : double.NaN;
                }

                if (number.Equals(max))
                {
                    max = column.Sketch.Count > 0 ? column.Sketch.Quantile(1) : double.NaN;
                }
            }
        }

        return new ColumnProfile(column.Name, column.Kind, column.BinEdges, column.ReferenceMin, column.ReferenceMax, column.ReferenceCategories,
            column.Count, column.Missing, column.Invalid, min, max, column.Sum, column.SumOfSquares, column.BelowReferenceRange,
            column.AboveReferenceRange, column.BinCounts, column.Sketch, counts, untracked);
    }
}
