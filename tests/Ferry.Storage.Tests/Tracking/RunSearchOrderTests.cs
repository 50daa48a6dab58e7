using Ferry.Core.Tracking;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Tracking;

/// <summary>
/// Run search with a metric sort key (the join-driven plan) on both databases, paged through to the end, against an
/// in-memory evaluation of MLflow's rules written here independently of the store: runs lacking the metric (or
/// holding NaN) never match a metric comparison and sort last in either direction; ties go to the later start time,
/// then the smaller run id.
/// </summary>
public abstract class RunSearchOrderTests(DatabaseKind kind) : StorageTestBase(kind)
{
    private static readonly string[] Models = ["gbm", "rf", "lr"];

    public static TheoryData<string, string, string> Cases => new()
    {
        { "metrics.auc > 0.3 and params.model = 'gbm'", "metrics.auc DESC", "auc>0.3,gbm" },
        { "metrics.auc > 0.3 and params.model = 'gbm'", "metrics.auc ASC", "auc>0.3,gbm" },
        { "params.model = 'gbm' and metrics.auc >= 0.2 and metrics.auc < 0.8", "metrics.auc", "0.2<=auc<0.8,gbm" },
        { "metrics.auc != 0.5", "metrics.auc DESC", "auc!=0.5" },
        { "metrics.auc = 0.5", "metrics.auc DESC", "auc=0.5" },
        { string.Empty, "metrics.auc DESC", "all" },
        { string.Empty, "metrics.auc ASC", "all" },
        { "params.model = 'rf'", "metrics.auc DESC", "rf" },
        { "metrics.loss < 0.5", "metrics.auc DESC", "loss<0.5" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task SearchByMetric_PagedToTheEnd_MatchesInMemoryEvaluation(string filter, string orderBy, string expectedFilter)
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        var runs = await SeedAsync(store);

        var expected = Expected(runs, expectedFilter, !orderBy.EndsWith("DESC", StringComparison.Ordinal));
        var got = await SearchAllAsync(store, filter, orderBy, pageSize: 7);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, got);
    }

    [SkippableFact]
    public async Task SearchByMetric_PageTokenOfTheSlowPath_StaysValid()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        var runs = await SeedAsync(store);
        var expected = Expected(runs, "auc>0.3,gbm", ascending: false);

        var first = await store.SearchRunsAsync(new RunSearchQuery([1], "metrics.auc > 0.3 and params.model = 'gbm'", ViewType.ActiveOnly, 3, ["metrics.auc DESC"], null));
        var offsetToken = Ferry.Core.Tracking.Search.PageToken.Encode(3);
        var second = await store.SearchRunsAsync(new RunSearchQuery([1], "metrics.auc > 0.3 and params.model = 'gbm'", ViewType.ActiveOnly, 3, ["metrics.auc DESC"], offsetToken));

        Assert.Equal(expected[..6], [.. first.Items.Select(r => r.Id), .. second.Items.Select(r => r.Id)]);
    }

    private static async Task<List<string>> SearchAllAsync(ITrackingStore store, string filter, string orderBy, int pageSize)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await store.SearchRunsAsync(new RunSearchQuery([1], filter, ViewType.ActiveOnly, pageSize, [orderBy], token));
            Assert.True(page.Items.Count <= pageSize);
            ids.AddRange(page.Items.Select(r => r.Id));
            token = page.NextPageToken;
            Assert.True(ids.Count <= 1000, "paging does not end");
        }
        while (token is not null);

        return ids;
    }

    /// <summary>60 runs: auc over 8 distinct values (ties), some missing, some NaN; start times with ties; a deleted run.</summary>
    private static async Task<List<Seeded>> SeedAsync(ITrackingStore store)
    {
        await store.EnsureDefaultExperimentAsync("system");
        var experiment = await store.CreateExperimentAsync("search", null, [], "u");
        Assert.Equal(1, experiment);
        var seeded = new List<Seeded>();
        for (var i = 0; i < 60; i++)
        {
            var start = 1_700_000_000_000L + (i * 7 % 5);
            var run = await store.CreateRunAsync(new NewRun(experiment, "u", $"r{i}", start, []), "u");
            double? auc = (i % 9) switch
            {
                0 => null,
                1 => double.NaN,
                _ => (i * 5 % 8) / 8.0,
            };
            var metrics = new List<MetricValue> { new("loss", i / 60.0, 1, 0) };
            if (auc is { } value)
            {
                metrics.Add(new MetricValue("auc", 0.1, 1, 0));
                metrics.Add(new MetricValue("auc", value, 2, 1));
            }

            await store.LogBatchAsync(run.Id, new RunBatch(metrics, [new("model", Models[i % 3])], []), "run.log-batch", "u");
            seeded.Add(new Seeded(run.Id, start, auc, i / 60.0, Models[i % 3]));
        }

        var deleted = await store.CreateRunAsync(new NewRun(experiment, "u", "deleted", 1_700_000_000_000L, []), "u");
        await store.LogBatchAsync(deleted.Id, new RunBatch([new("auc", 0.99, 1, 0), new("loss", 0, 1, 0)], [new("model", "gbm")], []), "run.log-batch", "u");
        await store.SetRunDeletedAsync(deleted.Id, true, "u");
        return seeded;
    }

    private static List<string> Expected(List<Seeded> runs, string filter, bool ascending)
    {
        static bool Has(Seeded r) => r.Auc is { } v && !double.IsNaN(v);
        Func<Seeded, bool> keep = filter switch
        {
            "auc>0.3,gbm" => r => Has(r) && r.Auc > 0.3 && r.Model == "gbm",
            "0.2<=auc<0.8,gbm" => r => Has(r) && r.Auc >= 0.2 && r.Auc < 0.8 && r.Model == "gbm",
            "auc!=0.5" => r => Has(r) && r.Auc != 0.5,
            "auc=0.5" => r => Has(r) && r.Auc == 0.5,
            "rf" => r => r.Model == "rf",
            "loss<0.5" => r => r.Loss < 0.5,
            _ => _ => true,
        };
        var kept = runs.Where(keep).ToList();
        kept.Sort((a, b) =>
        {
            var missing = Has(a).CompareTo(Has(b));
            if (missing != 0)
            {
                return -missing;
            }

            var byValue = Has(a) ? a.Auc!.Value.CompareTo(b.Auc!.Value) * (ascending ? 1 : -1) : 0;
            return byValue != 0 ? byValue
                : b.StartTime.CompareTo(a.StartTime) is var byStart and not 0 ? byStart
                : string.CompareOrdinal(a.Id, b.Id);
        });
        return [.. kept.Select(r => r.Id)];
    }

    private sealed record Seeded(string Id, long StartTime, double? Auc, double Loss, string Model);
}

public sealed class SqliteRunSearchOrderTests() : RunSearchOrderTests(DatabaseKind.Sqlite);

public sealed class PostgresRunSearchOrderTests() : RunSearchOrderTests(DatabaseKind.PostgreSql);
