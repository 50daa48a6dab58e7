using System.Text.Json;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

/// <summary>
/// <see cref="ExactDrift"/> against scipy 1.10 on the cases of <c>Scipy/make_cases.py</c> (inputs and outputs stored in
/// <c>Scipy/exact_drift_cases.json</c>): every statistic and p-value within 1e-9 relative (1e-14 absolute near 0).
/// </summary>
public sealed class ExactDriftScipyTests
{
    private const double AbsoluteNearZero = 1e-14;

    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Scipy", "exact_drift_cases.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone())];
    });

    public static TheoryData<string, string> CaseMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var item in Cases.Value)
        {
            foreach (var method in item.GetProperty("expected").EnumerateObject())
            {
                data.Add(item.GetProperty("name").GetString()!, method.Name);
            }
        }

        return data;
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var item in Cases.Value)
        {
            data.Add(item.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseMethods))]
    public void ExactDrift_ScipyCase_MatchesScipy(string name, string method)
    {
        var item = Case(name);
        var expected = item.GetProperty("expected").GetProperty(method);
        var result = Run(item, Parse(method));

        Assert.True(result.Exact);
        Assert.False(result.Skipped);
        Assert.Equal(Parse(method), result.Method);
        Close(expected[0].GetDouble(), result.Score);
        if (expected[1].ValueKind == JsonValueKind.Null)
        {
            Assert.Null(result.PValue);
        }
        else
        {
            Assert.NotNull(result.PValue);
            Close(expected[1].GetDouble(), result.PValue.Value);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ExactDrift_NoMethodRequested_ChoosesByExactDistinctCount(string name)
    {
        var item = Case(name);
        var kind = item.GetProperty("kind").GetString() == "numeric" ? ColumnKind.Numeric : ColumnKind.Categorical;
        var referencePresent = item.GetProperty("reference").EnumerateArray().Count(v => v.ValueKind != JsonValueKind.Null);
        var expected = DriftDetector.AutomaticMethod(kind, referencePresent, item.GetProperty("distinct").GetInt32());

        Assert.Equal(expected, Run(item, null).Method);
    }

    [Fact]
    public void ExactDrift_OneSideAllMissing_IsSkipped()
    {
        var result = ExactDrift.TestNumeric("x", [1, 2, 3], [double.NaN, double.NaN], null, new DriftTestOptions());

        Assert.True(result.Skipped);
        Assert.False(result.Drifted);
    }

    private static ColumnDriftResult Run(JsonElement item, DriftMethod? method)
    {
        var options = new DriftTestOptions { Method = method };
        var name = item.GetProperty("name").GetString()!;
        if (item.GetProperty("kind").GetString() == "numeric")
        {
            return ExactDrift.TestNumeric(name, Numbers(item.GetProperty("reference")), Numbers(item.GetProperty("current")), null, options);
        }

        return ExactDrift.TestCategorical(name, Strings(item.GetProperty("reference")), Strings(item.GetProperty("current")), options);
    }

    private static JsonElement Case(string name) => Cases.Value.Single(c => c.GetProperty("name").GetString() == name);

    private static double[] Numbers(JsonElement values) =>
        [.. values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble())];

    private static string?[] Strings(JsonElement values) =>
        [.. values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString())];

    private static DriftMethod Parse(string method) => method switch
    {
        "ks" => DriftMethod.KolmogorovSmirnov,
        "wasserstein" => DriftMethod.Wasserstein,
        "psi" => DriftMethod.Psi,
        "jensenshannon" => DriftMethod.JensenShannon,
        "chisquare" => DriftMethod.ChiSquare,
        "ztest" => DriftMethod.ZTest,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    private static void Close(double expected, double actual)
    {
        var allowed = Math.Max(Approx.Exact * Math.Abs(expected), AbsoluteNearZero);
        Assert.True(
            Math.Abs(actual - expected) <= allowed,
            $"expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E2}, allowed {allowed:E2})");
    }
}
