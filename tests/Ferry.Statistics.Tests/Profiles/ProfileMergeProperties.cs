using CsCheck;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Profiles;

/// <summary>
/// Merge is exactly associative and commutative: every count, extreme, bin, sketch bucket and category is identical
/// whatever the order or grouping. Sum and SumOfSquares are doubles and are compared to 1e-12 of Σ|x| and Σx².
/// </summary>
public sealed class ProfileMergeProperties
{
    private static readonly ProfileSchema Schema = new(
    [
        ColumnSchema.Numeric("amount", [-10.0, 0.0, 5.0, 100.0], -50.0, 500.0),
        ColumnSchema.Categorical("purpose", ["car", "home", "study"]),
    ]);

    private static readonly Gen<double> Number = Gen.OneOf(
        Gen.Double[-1000, 1000],
        Gen.Const(double.NaN),
        Gen.Const(double.PositiveInfinity),
        Gen.Const(0.0),
        Gen.Const(-0.0),
        Gen.Int[-20, 20].Select(i => (double)i));

    private static readonly Gen<string?> Category = Gen.OneOf(
        Gen.OneOf<string?>("car", "home", "study", null),
        Gen.Int[0, 40].Select(i => (string?)$"new{i}"));

    private static readonly Gen<(double[] Numbers, string?[] Categories)> Chunk =
        Gen.Select(Number.Array[0, 40], Category.Array[0, 40]);

    [Fact]
    public void DatasetMerge_IsAssociativeAndCommutative()
    {
        Gen.Select(Chunk, Chunk, Chunk).Sample((a, b, c) =>
        {
            var (pa, pb, pc) = (Fold(a), Fold(b), Fold(c));
            var leftToRight = DatasetProfile.Merge(DatasetProfile.Merge(pa, pb), pc);
            var rightToLeft = DatasetProfile.Merge(pa, DatasetProfile.Merge(pb, pc));
            var reversed = DatasetProfile.Merge(DatasetProfile.Merge(pc, pb), pa);
            var allAtOnce = Fold(([.. a.Numbers, .. b.Numbers, .. c.Numbers], [.. a.Categories, .. b.Categories, .. c.Categories]));
            var scale = AbsoluteSums([.. a.Numbers, .. b.Numbers, .. c.Numbers]);
            foreach (var other in new[] { rightToLeft, reversed, allAtOnce })
            {
                Assert.Equal(leftToRight.Rows, other.Rows);
                ProfileAssert.Equal(leftToRight.Columns["amount"], other.Columns["amount"], scale.Absolute, scale.Squares);
                ProfileAssert.Equal(leftToRight.Columns["purpose"], other.Columns["purpose"]);
            }
        });
    }

    [Fact]
    public void TwoWayMerge_IsExactlyCommutative_IncludingSums()
    {
        Gen.Select(Chunk, Chunk).Sample((a, b) =>
        {
            var ab = DatasetProfile.Merge(Fold(a), Fold(b));
            var ba = DatasetProfile.Merge(Fold(b), Fold(a));
            ProfileAssert.Equal(ab.Columns["amount"], ba.Columns["amount"]);
            ProfileAssert.Equal(ab.Columns["purpose"], ba.Columns["purpose"]);
        });
    }

    [Fact]
    public void UnseenCategoryTruncation_IsOrderIndependent()
    {
        var schema = ColumnSchema.Categorical("c", ["a"]);
        var names = Gen.Int[0, 3000].Select(i => $"v{i}").Array[0, 900];
        Gen.Select(names, names, names).Sample(
            (a, b, c) =>
            {
                var left = ColumnProfile.Merge(ColumnProfile.Merge(Fold(schema, a), Fold(schema, b)), Fold(schema, c));
                var right = ColumnProfile.Merge(Fold(schema, c), ColumnProfile.Merge(Fold(schema, b), Fold(schema, a)));
                var whole = Fold(schema, [.. b, .. c, .. a]);
                ProfileAssert.Equal(left, right);
                ProfileAssert.Equal(left, whole);
            },
            iter: 30);
    }

    private static DatasetProfile Fold((double[] Numbers, string?[] Categories) chunk)
    {
        var profile = DatasetProfile.Empty(Schema);
        foreach (var number in chunk.Numbers)
        {
            profile.Columns["amount"].AddNumber(number);
        }

        foreach (var category in chunk.Categories)
        {
            profile.Columns["purpose"].AddCategory(category);
        }

        profile.AddRowCount(chunk.Numbers.Length);
        return profile;
    }

    private static ColumnProfile Fold(ColumnSchema schema, string[] categories)
    {
        var profile = ColumnProfile.Empty(schema);
        foreach (var category in categories)
        {
            profile.AddCategory(category);
        }

        return profile;
    }

    private static (double Absolute, double Squares) AbsoluteSums(double[] values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return (finite.Sum(Math.Abs), finite.Sum(v => v * v));
    }
}
