using System.Text.Json;
using Ferry.Statistics.Calibration;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Profiles;

public sealed class JsonRoundTripTests
{
    private static readonly StatisticsJsonContext Context = StatisticsJsonContext.Default;

    [Fact]
    public void RefusedRequests_AddUpInMerges_AndSurviveJson()
    {
        var schema = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, [1.0, 2.0, 3.0], null)]).Schema;
        var a = DatasetProfile.Empty(schema);
        var b = DatasetProfile.Empty(schema);
        a.AddRefusedRequest();
        a.AddRefusedRequest();
        b.AddRefusedRequest();

        var merged = DatasetProfile.Merge(a, b);
        Assert.Equal(3, merged.RefusedRequests);
        Assert.Equal(2, a.RefusedRequests);
        Assert.Equal(3, merged.Clone().RefusedRequests);
        var copy = JsonSerializer.Deserialize(JsonSerializer.Serialize(merged, Context.DatasetProfile), Context.DatasetProfile)!;
        Assert.Equal(3, copy.RefusedRequests);

        // Profiles stored before the counter existed read as none refused.
        var old = JsonSerializer.Deserialize(JsonSerializer.Serialize(a, Context.DatasetProfile).Replace("\"refusedRequests\":2,", string.Empty, StringComparison.Ordinal), Context.DatasetProfile)!;
        Assert.Equal(0, old.RefusedRequests);
    }

    [Fact]
    public void ReferenceProfile_RoundTrips()
    {
        var reference = ReferenceProfile.Build(
        [
            new ReferenceColumnData("x", ColumnKind.Numeric, [.. TestData.Normal(500, 3, 2, 7), double.NaN, -4.0, 0.0], null),
            new ReferenceColumnData("empty", ColumnKind.Numeric, [.. Enumerable.Repeat(double.NaN, 503)], null),
            new ReferenceColumnData("c", ColumnKind.Categorical, null, [.. Enumerable.Range(0, 503).Select(i => i % 7 == 0 ? null : $"k{i % 5}")]),
        ]);
        var json = JsonSerializer.Serialize(reference, Context.ReferenceProfile);
        var copy = JsonSerializer.Deserialize(json, Context.ReferenceProfile)!;

        Assert.Equal(reference.Schema.Columns.Select(c => c.Name), copy.Schema.Columns.Select(c => c.Name));
        Assert.Equal(reference.Schema["x"].BinEdges, copy.Schema["x"].BinEdges);
        Assert.Equal(reference.Schema["c"].ReferenceCategories, copy.Schema["c"].ReferenceCategories);
        Assert.True(double.IsNaN(copy.Schema["empty"].ReferenceMin));
        Assert.Equal(reference.ExactValues["x"], copy.ExactValues["x"]);
        Assert.Equal(reference.StandardDeviations["x"], copy.StandardDeviations["x"]);
        Assert.Equal(reference.Profile.Rows, copy.Profile.Rows);
        foreach (var name in new[] { "x", "empty", "c" })
        {
            ProfileAssert.Equal(reference.Profile.Columns[name], copy.Profile.Columns[name]);
        }

        Assert.Contains("\"binEdges\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"Categorical\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void MergedProfile_StaysMergeable_AfterRoundTrip()
    {
        var schema = new ProfileSchema([ColumnSchema.Categorical("c", ["a"])]);
        var profile = DatasetProfile.Empty(schema);
        profile.Columns["c"].AddCategory("z");
        var copy = JsonSerializer.Deserialize(JsonSerializer.Serialize(profile, Context.DatasetProfile), Context.DatasetProfile)!;
        copy.MergeFrom(profile);
        Assert.Equal(2, copy.Columns["c"].UnseenCategories);
    }

    [Fact]
    public void ResultsAndCalibrator_RoundTrip()
    {
        var result = new DatasetDriftResult(
            [
                new ColumnDriftResult("x", DriftMethod.KolmogorovSmirnov, 0.2, 0.01, 0.05, true),
                new ColumnDriftResult("y", DriftMethod.Psi, double.NaN, null, 0.1, false) { Skipped = true },
            ],
            1,
            1.0,
            true);
        var copy = JsonSerializer.Deserialize(JsonSerializer.Serialize(result, Context.DatasetDriftResult), Context.DatasetDriftResult)!;
        Assert.Equal(result.Columns[0], copy.Columns[0]);
        Assert.True(copy.Columns[1].Skipped);
        Assert.True(double.IsNaN(copy.Columns[1].Score));

        var calibrator = IsotonicCalibrator.Fit([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
        var restored = JsonSerializer.Deserialize(JsonSerializer.Serialize(calibrator, Context.IsotonicCalibrator), Context.IsotonicCalibrator)!;
        Assert.Equal(calibrator.Thresholds, restored.Thresholds);
        Assert.Equal(calibrator.Values, restored.Values);
        Assert.Equal(calibrator.Calibrate(0.5), restored.Calibrate(0.5));
    }
}
