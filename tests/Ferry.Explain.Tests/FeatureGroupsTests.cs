namespace Ferry.Explain.Tests;

public sealed class FeatureGroupsTests
{
    [Fact]
    public void Grouping_SumsSlotsPerSource_AndKeepsLocalAccuracy()
    {
        var groups = new FeatureGroups([new("age", "age"), new("purpose=car", "purpose"), new("income", "income"), new("purpose=home", "purpose")]);
        var slots = new Explanation(1, [0.5, 0.25, -1, 0.125], 0.875, ExplanationSpaces.Value, ExplanationMethods.LinearExact, [0.1, 0.1, 0.1, 0.1]);
        var grouped = groups.Group(slots);
        Assert.Equal(["age", "purpose", "income"], grouped.FeatureNames);
        Assert.Equal([0.5, 0.375, -1], grouped.Attributions);
        Assert.Null(grouped.StandardErrors);
        Assert.Equal(0, grouped.LocalAccuracyGap, 12);
        Assert.Equal([1, 3], groups.SlotsOf(1));
    }
}
