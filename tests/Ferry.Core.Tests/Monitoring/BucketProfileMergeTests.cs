using Ferry.Core.Monitoring;
using Xunit;
using static Ferry.Testing.IncomeProfiles;

namespace Ferry.Core.Tests.Monitoring;

/// <summary>The one rule for folding a replica's new rows into its stored bucket profile.</summary>
public sealed class BucketProfileMergeTests
{
    [Fact]
    public void Merge_SameLayout_AddsTheDeltaToTheStoredProfile()
    {
        var stored = Profile(Layout(0, 10), 1, 2);
        var delta = Profile(Layout(0, 10), 3);

        var merged = BucketProfileMerge.Merge(stored, delta);

        Assert.Same(stored, merged);
        Assert.Equal(3, merged.Rows);
        Assert.Equal(6, merged.Columns["income"].Sum);
    }

    [Fact]
    public void Merge_DifferentLayout_TheDeltaReplacesTheStoredPart()
    {
        var stored = Profile(Layout(), 1, 2, 3);
        var delta = Profile(Layout(0, 50, 100), 40);

        var merged = BucketProfileMerge.Merge(stored, delta);

        Assert.Same(delta, merged);
        Assert.Equal(1, merged.Rows);
        Assert.Equal(3, stored.Rows);
    }
}
