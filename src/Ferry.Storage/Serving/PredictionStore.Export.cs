using System.Runtime.CompilerServices;
using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

/// <summary>The export read: a window streamed in (time, id) keyset pages, plain LINQ over <see cref="PredictionRecord"/>.</summary>
public sealed partial class PredictionStore : IPredictionExportStore
{
    /// <summary>Rows per page of <see cref="StreamWindowAsync"/>.</summary>
    internal const int ExportPage = 5_000;

    /// <inheritdoc />
    public async IAsyncEnumerable<PredictionWithFeedback> StreamWindowAsync(
        string endpointName, long fromMs, long toMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpointName);
        long? lastTime = null;
        var lastId = Guid.Empty;
        while (true)
        {
            var rows = db.Predictions.AsNoTracking()
                .Where(p => p.EndpointName == endpointName && p.Timestamp >= fromMs && p.Timestamp < toMs);
            if (lastTime is { } t)
            {
                var id = lastId;
                rows = rows.Where(p => p.Timestamp > t || (p.Timestamp == t && p.Id > id));
            }

            var page = await rows.OrderBy(p => p.Timestamp).ThenBy(p => p.Id).Take(ExportPage).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            var feedback = new Dictionary<Guid, PredictionFeedback>();
            foreach (var chunk in page.Select(p => p.Id).Chunk(IdChunk))
            {
                foreach (var f in await db.PredictionFeedback.AsNoTracking().Where(f => chunk.Contains(f.PredictionId)).ToListAsync(cancellationToken))
                {
                    feedback[f.PredictionId] = f;
                }
            }

            foreach (var p in page)
            {
                yield return new PredictionWithFeedback(p, feedback.GetValueOrDefault(p.Id));
            }

            if (page.Count < ExportPage)
            {
                yield break;
            }

            lastTime = page[^1].Timestamp;
            lastId = page[^1].Id;
        }
    }
}
