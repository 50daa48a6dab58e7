using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Profiles;

public sealed class ReferenceProfileTests
{
    [Fact]
    public void BinEdges_AreNumpyDeciles()
    {
        var values = TestData.Grid(1001, 7919, 10007, 100.0, -20.0);
        var reference = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, values, null)]);
        // np.quantile(grid(1001,7919,10007,100,-20), [k/10 for k in range(1,10)])
        Approx.Equal(
            [-9.907065054461876, -0.003997201958629404, 10.088937743579496, 19.99200559608274, 29.995003497551714,
             39.99800139902069, 49.99100629559308, 59.994004197062054, 69.99700209853103],
            reference.Schema["x"].BinEdges);
        Assert.Equal(values.Min(), reference.Schema["x"].ReferenceMin);
        Assert.Equal(values.Max(), reference.Schema["x"].ReferenceMax);
        var binCounts = reference.Profile.Columns["x"].BinCounts;
        Assert.Equal(10, binCounts.Length);
        Assert.All(binCounts, count => Assert.InRange(count, 99, 102));
    }

    [Fact]
    public void RepeatedEdges_AreRemoved()
    {
        var values = Enumerable.Repeat(0.0, 70).Concat(Enumerable.Repeat(1.0, 20)).Concat(Enumerable.Repeat(2.0, 10)).ToArray();
        var reference = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, values, null)]);
        // np.quantile([0]*70+[1]*20+[2]*10, [k/10 for k in range(1,10)]) = [0]*6 + [0.29999999999999716, 1.0, 1.1000000000000085]
        Approx.Equal([0.0, 0.29999999999999716, 1.0, 1.1000000000000085], reference.Schema["x"].BinEdges);
        Assert.Equal([70L, 0, 20, 0, 10], reference.Profile.Columns["x"].BinCounts);
    }

    [Fact]
    public void BinCount_IsConfigurable()
    {
        // np.quantile(grid(37,5,37), [k/4 for k in range(1,4)])
        var reference = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, TestData.Grid(37, 5, 37), null)], bins: 4);
        Approx.Equal([0.24324324324324326, 0.4864864864864865, 0.7297297297297297], reference.Schema["x"].BinEdges);
    }

    [Fact]
    public void Profile_CountsMissingInvalidAndExactValues_AndCategories()
    {
        var reference = ReferenceProfile.Build(
        [
            new ReferenceColumnData("x", ColumnKind.Numeric, [3.0, double.NaN, 1.0, double.NegativeInfinity, 2.0], null),
            new ReferenceColumnData("c", ColumnKind.Categorical, null, ["b", null, "a", "b", "a"]),
        ]);
        Assert.Equal(5, reference.Profile.Rows);
        var x = reference.Profile.Columns["x"];
        Assert.Equal((3L, 1L, 1L), (x.Count, x.Missing, x.Invalid));
        Assert.Equal([1.0, 2.0, 3.0], reference.ExactValues["x"]);
        Approx.Equal(Math.Sqrt(2.0 / 3), reference.StandardDeviations["x"], 1e-15);
        Assert.Equal(["a", "b"], reference.Schema["c"].ReferenceCategories);
        Assert.Equal(2, reference.Profile.Columns["c"].CategoryCounts["a"]);
        Assert.Equal(0, reference.Profile.Columns["c"].UnseenCategories);
    }

    [Fact]
    public void LargeColumns_KeepNoExactValues()
    {
        var values = TestData.Grid(ReferenceProfile.ExactValueLimit + 1, 7919, 10007);
        var reference = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, values, null)]);
        Assert.False(reference.ExactValues.ContainsKey("x"));
    }

    [Fact]
    public void InvalidInput_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => ReferenceProfile.Build(
        [
            new ReferenceColumnData("x", ColumnKind.Numeric, [1.0], null),
            new ReferenceColumnData("y", ColumnKind.Numeric, [1.0, 2.0], null),
        ]));
        Assert.Throws<ArgumentException>(() => ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Categorical, [1.0], null)]));
        Assert.Throws<ArgumentException>(() => ReferenceProfile.Build(
        [
            new ReferenceColumnData("x", ColumnKind.Numeric, [1.0], null),
            new ReferenceColumnData("x", ColumnKind.Numeric, [1.0], null),
        ]));
    }
}
