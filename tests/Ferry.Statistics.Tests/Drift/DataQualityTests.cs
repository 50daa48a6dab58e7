using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class DataQualityTests
{
    [Fact]
    public void Summary_ByHand()
    {
        var schema = new ProfileSchema(
        [
            ColumnSchema.Numeric("x", [0.0], -1.0, 1.0),
            ColumnSchema.Categorical("c", ["a", "b"]),
        ]);
        var profile = DatasetProfile.Empty(schema);
        foreach (var value in new[] { -2.0, 0.0, 0.5, 3.0, double.NaN })
        {
            profile.Columns["x"].AddNumber(value);
        }

        profile.Columns["x"].AddInvalid();
        foreach (var value in new[] { "a", "z", null, "y", "y" })
        {
            profile.Columns["c"].AddCategory(value);
        }

        var summary = DataQuality.Summarize(profile);
        Assert.Equal(new ColumnQuality("x", 6, 1, 1.0 / 6, 1, 2, 0), summary[0]);
        Assert.Equal(new ColumnQuality("c", 5, 1, 0.2, 0, 0, 3), summary[1]);
        Assert.Equal(new ColumnQuality("x", 0, 0, 0, 0, 0, 0), DataQuality.Summarize(DatasetProfile.Empty(schema))[0]);
    }
}
