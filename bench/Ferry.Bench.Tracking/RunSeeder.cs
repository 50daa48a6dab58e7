using Ferry.Core.Tracking;
using Ferry.Storage;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Bench.Tracking;

/// <summary>Bulk-inserts runs through <see cref="FerryDbContext"/>: each with a latest metric <c>auc</c> and a param <c>model</c>.</summary>
internal static class RunSeeder
{
    public static readonly string[] Models = ["gbm", "rf", "logreg", "xgb"];

    public static async Task<long> SeedAsync(Func<FerryDbContext> createContext, int runs, int seed)
    {
        long experimentId;
        await using (var db = createContext())
        {
            experimentId = (await db.Experiments.MaxAsync(e => (long?)e.Id) ?? 0) + 1;
            db.Experiments.Add(new Experiment
            {
                Id = experimentId,
                Name = $"bench-search-{Guid.NewGuid():N}",
                ArtifactLocation = $"mlflow-artifacts:/{experimentId}",
                CreationTime = 1_700_000_000_000,
                LastUpdateTime = 1_700_000_000_000,
            });
            await db.SaveChangesAsync();
        }

        var random = new Random(seed);
        const int chunk = 5_000;
        for (var offset = 0; offset < runs; offset += chunk)
        {
            await using var db = createContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = offset; i < Math.Min(runs, offset + chunk); i++)
            {
                var id = Guid.NewGuid().ToString("N");
                var start = 1_700_000_000_000 + i;
                db.Runs.Add(new Run
                {
                    Id = id,
                    ExperimentId = experimentId,
                    Name = $"run-{i}",
                    Status = RunStatus.Finished,
                    StartTime = start,
                    EndTime = start + 1000,
                    ArtifactUri = $"mlflow-artifacts:/{experimentId}/{id}/artifacts",
                });
                db.LatestMetrics.Add(new LatestMetric { RunId = id, Key = "auc", Value = 0.5 + (random.NextDouble() * 0.5), Timestamp = start, Step = 0 });
                db.RunParams.Add(new RunParam { RunId = id, Key = "model", Value = Models[random.Next(Models.Length)] });
            }

            await db.SaveChangesAsync();
        }

        return experimentId;
    }
}
