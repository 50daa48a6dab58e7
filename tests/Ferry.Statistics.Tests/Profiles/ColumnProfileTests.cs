using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Profiles;

public sealed class ColumnProfileTests
{
    private static readonly ColumnSchema Numeric = ColumnSchema.Numeric("x", [1.0, 2.0, 3.0], 1.0, 3.0);
    private static readonly ColumnSchema Categorical = ColumnSchema.Categorical("c", ["b", "a", "b"]);

    [Fact]
    public void NumericValues_ByHand()
    {
        var profile = ColumnProfile.Empty(Numeric);
        foreach (var value in new[] { 0.5, 1.0, 1.5, 3.0, 3.5, double.NaN, double.PositiveInfinity, -0.0 })
        {
            profile.AddNumber(value);
        }

        profile.AddMissing();
        profile.AddInvalid();
        Assert.Equal(6, profile.Count);
        Assert.Equal(2, profile.Missing);
        Assert.Equal(2, profile.Invalid);
        Assert.Equal(0.0, profile.Min);
        Assert.False(double.IsNegative(profile.Min));
        Assert.Equal(3.5, profile.Max);
        Assert.Equal(9.5, profile.Sum);
        Assert.Equal(0.25 + 1 + 2.25 + 9 + 12.25, profile.SumOfSquares);
        Assert.Equal(2, profile.BelowReferenceRange); // 0.5 and 0
        Assert.Equal(1, profile.AboveReferenceRange); // 3.5
        // Bins (-inf,1], (1,2], (2,3], (3,inf): {0.5, 1, 0}, {1.5}, {3}, {3.5}
        Assert.Equal([3L, 1, 1, 1], profile.BinCounts);
        Assert.Equal(6, profile.Sketch.Count);
    }

    [Fact]
    public void CategoricalValues_ByHand()
    {
        var profile = ColumnProfile.Empty(Categorical);
        foreach (var value in new[] { "a", "b", "a", null, "z", "z", "y" })
        {
            profile.AddCategory(value);
        }

        Assert.Equal(6, profile.Count);
        Assert.Equal(1, profile.Missing);
        Assert.Equal(["a", "b"], profile.ReferenceCategories);
        Assert.Equal(2, profile.CategoryCounts["a"]);
        Assert.Equal(1, profile.CategoryCounts["b"]);
        Assert.Equal(2, profile.CategoryCounts["z"]);
        Assert.Equal(3, profile.UnseenCategories);
    }

    [Fact]
    public void EmptyReferenceCategory_StillHasAnEntry()
    {
        var profile = ColumnProfile.Empty(Categorical);
        profile.AddCategory("a");
        Assert.Equal(0, profile.CategoryCounts["b"]);
    }

    [Fact]
    public void UnseenCategoriesBeyondLimit_KeepSmallestNames()
    {
        var profile = ColumnProfile.Empty(Categorical);
        for (var i = ColumnProfile.MaxTrackedUnseenCategories + 99; i >= 0; i--)
        {
            profile.AddCategory($"u{i:D5}");
            profile.AddCategory($"u{i:D5}");
        }

        Assert.Equal(2 * (ColumnProfile.MaxTrackedUnseenCategories + 100), profile.UnseenCategories);
        Assert.Equal(200, profile.UntrackedUnseenCount);
        Assert.Equal(2, profile.CategoryCounts["u00000"]);
        Assert.False(profile.CategoryCounts.ContainsKey($"u{ColumnProfile.MaxTrackedUnseenCategories:D5}"));
    }

    [Fact]
    public void AddingSeenValues_DoesNotAllocate()
    {
        var numeric = ColumnProfile.Empty(Numeric);
        var categorical = ColumnProfile.Empty(Categorical);
        var values = TestData.Grid(4096, 7919, 10007, 10.0, -3.0);
        var categories = new[] { "a", "b", "zz" };
        Feed(numeric, categorical, values, categories);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Feed(numeric, categorical, values, categories);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void MergingDifferentLayouts_Throws()
    {
        var a = ColumnProfile.Empty(Numeric);
        Assert.Throws<ArgumentException>(() => a.MergeFrom(ColumnProfile.Empty(ColumnSchema.Numeric("x", [1.0, 2.5, 3.0], 1.0, 3.0))));
        Assert.Throws<ArgumentException>(() => a.MergeFrom(ColumnProfile.Empty(ColumnSchema.Numeric("y", [1.0, 2.0, 3.0], 1.0, 3.0))));
        Assert.Throws<ArgumentException>(() => ColumnProfile.Merge(ColumnProfile.Empty(Categorical), ColumnProfile.Empty(ColumnSchema.Categorical("c", ["a"]))));
    }

    private static void Feed(ColumnProfile numeric, ColumnProfile categorical, double[] values, string[] categories)
    {
        for (var i = 0; i < values.Length; i++)
        {
            numeric.AddNumber(values[i]);
            categorical.AddCategory(categories[i % categories.Length]);
        }
    }
}
