using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

/// <summary><see cref="RadixSort"/> against <see cref="Array.Sort(Array)"/>, and the profiles built from sorted values against <see cref="ColumnProfile.AddNumber"/>.</summary>
public sealed class RadixSortTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(4_095)]
    [InlineData(4_096)]
    [InlineData(100_003)]
    public void RadixSort_RandomNegativesZerosDuplicatesAndInfinities_EqualsArraySort(int length)
    {
        var values = Mixed(length, seed: length);
        var expected = (double[])values.Clone();
        Array.Sort(expected);

        RadixSort.Sort(values);

        for (var i = 0; i < length; i++)
        {
            Assert.True(expected[i] == values[i], $"index {i}: {values[i]} where Array.Sort has {expected[i]}");
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(50_000)]
    public void RadixSort_NegativeZero_BecomesPositiveZero(int length)
    {
        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = i % 2 == 0 ? -0.0 : (i % 3) - 1.0;
        }

        RadixSort.Sort(values);

        Assert.DoesNotContain(values, v => v == 0 && double.IsNegative(v));
        Assert.True(values.AsSpan().SequenceEqual(values.Order().ToArray()));
    }

    [Fact]
    public void RadixSort_FourDecimalValuesSharingHighDigits_EqualsArraySort()
    {
        // Values like the benchmark's: the top digits agree, so their passes are skipped.
        var random = new Random(7);
        var values = new double[200_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Round(500 + random.NextDouble(), 4);
        }

        var expected = (double[])values.Clone();
        Array.Sort(expected);
        RadixSort.Sort(values);

        Assert.Equal(expected, values);
    }

    [Fact]
    public void SortedProfiles_NumericColumn_EqualsBuildAndAddNumber()
    {
        var reference = Mixed(30_000, seed: 3);
        var current = Mixed(20_000, seed: 4);
        reference[5] = reference[17] = double.NaN;
        current[9] = double.NaN;
        var built = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, reference, null)]);
        var expectedSchema = built.Schema["x"];
        var folded = ColumnProfile.Empty(expectedSchema);
        foreach (var value in current)
        {
            folded.AddNumber(value);
        }

        var sortedReference = ExactDrift.SortedPresent(reference);
        var sortedCurrent = ExactDrift.SortedPresent(current);
        var schema = SortedProfiles.NumericSchema("x", sortedReference);
        var referenceProfile = SortedProfiles.NumericProfile(schema, sortedReference, 2);
        var currentProfile = SortedProfiles.NumericProfile(schema, sortedCurrent, 1);

        Assert.Equal(expectedSchema.BinEdges, schema.BinEdges);
        Assert.Equal(expectedSchema.ReferenceMin, schema.ReferenceMin);
        Assert.Equal(expectedSchema.ReferenceMax, schema.ReferenceMax);
        SameCounts(built.Profile.Columns["x"], referenceProfile);
        SameCounts(folded, currentProfile);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(11)]
    [InlineData(100_000)]
    public void OrderStatistics_DecileEdgesOfUnsorted_EqualSortedDecileEdges(int length)
    {
        var random = new Random(length);
        var values = Enumerable.Range(0, length).Select(i => i % 5 == 0 ? -0.0 : Math.Round((random.NextDouble() - 0.3) * 1000, i % 3)).ToArray();
        var sorted = values.Select(v => v + 0.0).Order().ToArray();

        Assert.Equal(ExactDrift.DecileEdges(sorted), OrderStatistics.DecileEdges(values));
        int[] ranks = [0, length / 3, length / 2, length - 1];
        Assert.Equal(ranks.Select(r => sorted[r]), OrderStatistics.Select(values, ranks));
    }

    [Fact]
    public void SortedProfiles_UnsortedFiniteValues_EqualAddNumberAndBinnedTestsEqualTestNumeric()
    {
        var random = new Random(21);
        var reference = Enumerable.Range(0, 30_000).Select(_ => Math.Round(random.NextDouble() * 100, 2)).ToArray();
        var current = Enumerable.Range(0, 20_000).Select(_ => Math.Round((random.NextDouble() * 100) + 3, 2)).ToArray();
        var built = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, reference, null)]);
        var folded = ColumnProfile.Empty(built.Schema["x"]);
        foreach (var value in current)
        {
            folded.AddNumber(value);
        }

        var schema = SortedProfiles.NumericSchemaUnsorted("x", reference);
        var referenceProfile = SortedProfiles.NumericProfileUnsorted(schema, reference, 0, 0);
        var currentProfile = SortedProfiles.NumericProfileUnsorted(schema, current, 0, 0);

        Assert.Equal(built.Schema["x"].BinEdges, schema.BinEdges);
        Assert.Equal(built.Schema["x"].ReferenceMin, schema.ReferenceMin);
        Assert.Equal(built.Schema["x"].ReferenceMax, schema.ReferenceMax);
        SameCounts(built.Profile.Columns["x"], referenceProfile);
        SameCounts(folded, currentProfile);
        foreach (var method in new[] { DriftMethod.Psi, DriftMethod.JensenShannon })
        {
            Assert.Equal(
                ExactDrift.TestNumeric("x", reference, current, null, new DriftTestOptions { Method = method }),
                ExactDrift.TestNumericBins("x", method, referenceProfile.BinCounts, currentProfile.BinCounts, null));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    [InlineData(100_000)]
    public void SortedProfiles_UnsortedValuesOnAndBetweenEdges_BinsEqualCountsOfEdgesBelow(int distinct)
    {
        // Few distinct values give repeated deciles (fewer than 9 edges) and many values equal to an edge; −0 and +0 both occur.
        var random = new Random(distinct);
        var reference = Enumerable.Range(0, 50_000).Select(_ => random.Next(distinct) - (distinct / 2) + 0.0).ToArray();
        reference[0] = -0.0;
        var current = Enumerable.Range(0, 40_000).Select(i => i % 2 == 0 ? -0.0 : random.Next(distinct + 4) - (distinct / 2) - 2.5).ToArray();

        var schema = SortedProfiles.NumericSchemaUnsorted("x", reference);
        var profile = SortedProfiles.NumericProfileUnsorted(schema, current, 0, 0);

        var expected = new long[schema.BinEdges.Length + 1];
        foreach (var value in current)
        {
            // The bin is the number of edges below the value (a value equal to an edge goes in the bin that edge closes).
            var bin = 0;
            while (bin < schema.BinEdges.Length && schema.BinEdges[bin] < value)
            {
                bin++;
            }

            expected[bin]++;
        }

        var sorted = current.Order().ToArray();
        Assert.Equal(expected, profile.BinCounts);
        Assert.Equal(sorted[0] + 0.0, profile.Min);
        Assert.Equal(sorted[^1] + 0.0, profile.Max);
        Assert.Equal(current.Count(v => v < schema.ReferenceMin), profile.BelowReferenceRange);
        Assert.Equal(current.Count(v => v > schema.ReferenceMax), profile.AboveReferenceRange);
    }

    private static void SameCounts(ColumnProfile expected, ColumnProfile actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Missing, actual.Missing);
        Assert.Equal(expected.Invalid, actual.Invalid);
        Assert.Equal(expected.Min, actual.Min);
        Assert.Equal(expected.Max, actual.Max);
        Assert.Equal(expected.BelowReferenceRange, actual.BelowReferenceRange);
        Assert.Equal(expected.AboveReferenceRange, actual.AboveReferenceRange);
        Assert.Equal(expected.BinCounts, actual.BinCounts);
    }

    /// <summary>Random values of every sign and scale, with −0, +0, repeats, ±∞, subnormals and the extremes.</summary>
    private static double[] Mixed(int length, int seed)
    {
        var random = new Random(seed);
        var specials = new[] { -0.0, 0.0, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 1.0, -1.0 };
        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (i % 7) switch
            {
                0 => specials[random.Next(specials.Length)],
                1 => Math.Round((random.NextDouble() - 0.5) * 100, 2),
                2 => values[random.Next(Math.Max(1, i))],
                3 => -Math.Exp(random.NextDouble() * 50),
                _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
            };
        }

        return values;
    }
}
