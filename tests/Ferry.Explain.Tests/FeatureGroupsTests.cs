namespace Ferry.Explain.Tests;

public sealed class FeatureGroupsTests
{
    [Fact]
    public void OrderedAs_SameSources_KeepsSlotIndicesAndTakesTheOrder_OtherSourcesAreNull()
    {
        var groups = new FeatureGroups([new("age", "age"), new("purpose=car", "purpose"), new("income", "income"), new("purpose=home", "purpose")]);

        var ordered = groups.OrderedAs(["income", "purpose", "age"]);

        Assert.NotNull(ordered);
        Assert.Equal(["income", "purpose", "age"], ordered.Sources);
        Assert.Equal(new[] { 2 }, ordered.SlotsOf(0));
        Assert.Equal(new[] { 1, 3 }, ordered.SlotsOf(1));
        Assert.Equal(new[] { 0 }, ordered.SlotsOf(2));
        Assert.Equal(groups.SlotNames, ordered.SlotNames);
        Assert.Null(groups.OrderedAs(["income", "age"]));
        Assert.Null(groups.OrderedAs(["income", "purpose", "age", "region"]));
        Assert.Null(groups.OrderedAs(["income", "purpose", "purpose"]));
    }

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
