using Ferry.Explain.Fairness;

namespace Ferry.Explain.Tests;

public sealed class FairnessTests
{
    [Fact]
    public void Slices_MatchHandWorkedExample()
    {
        // Group A (5 rows): approved 3; actual positives rows 0,1,2 (approved 0,1) → TPR 2/3; negatives 3,4 (approved 3) → FPR 1/2.
        // Group B (4 rows): approved 1; actual positives rows 5,6 (approved 5) → TPR 1/2; negatives 7,8 (none) → FPR 0.
        string[] groups = ["A", "A", "A", "A", "A", "B", "B", "B", "B"];
        bool[] approved = [true, true, false, true, false, true, false, false, false];
        bool[] actual = [true, true, true, false, false, true, true, false, false];
        var report = FairnessSlices.Compute(groups, approved, actual);
        var a = report.Slices[0];
        var b = report.Slices[1];
        Assert.Equal(("A", 5, 0.6, 2.0 / 3, 0.5, 3), (a.Group, a.Count, a.SelectionRate, a.TruePositiveRate, a.FalsePositiveRate, a.ActualPositives));
        Assert.Equal(("B", 4, 0.25, 0.5, 0.0, 2), (b.Group, b.Count, b.SelectionRate, b.TruePositiveRate, b.FalsePositiveRate, b.ActualPositives));
        Assert.Equal(0.35, report.DemographicParityDifference, 12);
        Assert.Equal(2.0 / 3 - 0.5, report.EqualOpportunityDifference, 12);
    }

    [Fact]
    public void WithoutLabels_OnlySelectionRates_AreKnown()
    {
        var report = FairnessSlices.Compute(["x", "y", "y"], [true, false, true]);
        Assert.Equal(0.5, report.DemographicParityDifference, 12);
        Assert.True(double.IsNaN(report.EqualOpportunityDifference));
        Assert.True(double.IsNaN(report.Slices[0].TruePositiveRate));
    }
}
