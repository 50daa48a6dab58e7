using Ferry.Explain.Reasons;

namespace Ferry.Explain.Tests;

public sealed class ReasonCodeTests
{
    private static readonly Explanation Grouped = new(-1.2, [0.12, 0.05, -0.3, 0.01, 0.2], -1.12, ExplanationSpaces.LogOdds, ExplanationMethods.TreePathDependent)
    {
        FeatureNames = ["debt_to_income", "purpose", "age", "income", "employment_years"],
    };

    private static readonly Dictionary<string, object?> Row = new()
    {
        ["debt_to_income"] = 0.61,
        ["purpose"] = "small_business",
        ["age"] = 45.0,
        ["income"] = 52000.0,
        ["employment_years"] = null,
    };

    private static readonly Dictionary<string, object?> Typical = new()
    {
        ["debt_to_income"] = 0.32,
        ["purpose"] = "debt_consolidation",
        ["age"] = 41.0,
        ["income"] = 48500.0,
        ["employment_years"] = 4.5,
    };

    [Fact]
    public void TopAdverseFeatures_ComeFirst_WithPlainSentences()
    {
        var codes = ReasonCodes.Build(Grouped, Row, Typical, new ReasonCodeOptions { Count = 3 });
        Assert.Equal(
            [
                "employment_years is missing (typical 4.5): raises risk by 0.2",
                "debt_to_income 0.61 is above the typical 0.32: raises risk by 0.12",
                "purpose 'small_business' (typical 'debt_consolidation'): raises risk by 0.05",
            ],
            codes.Select(c => c.Sentence));
        Assert.Equal([1, 2, 3], codes.Select(c => c.Rank));
        Assert.All(codes, c => Assert.Equal(ExplanationSpaces.LogOdds, c.Space));
        Assert.Equal(0.12, codes[1].Contribution);
        Assert.Equal("small_business", codes[2].Value);
    }

    [Fact]
    public void NegativeDirection_PicksNegativeAttributions()
    {
        var codes = ReasonCodes.Build(Grouped, Row, Typical, new ReasonCodeOptions { Adverse = AdverseDirection.Negative, Outcome = "approval score" });
        var code = Assert.Single(codes);
        Assert.Equal("age 45 is above the typical 41: lowers approval score by 0.3", code.Sentence);
    }

    [Fact]
    public void TypicalValues_AreMediansForNumbers_AndModesForCategories()
    {
        var rows = new[]
        {
            new Dictionary<string, object?> { ["dti"] = 0.2, ["purpose"] = "car", ["term"] = 36 },
            new Dictionary<string, object?> { ["dti"] = 0.4, ["purpose"] = "home", ["term"] = 60 },
            new Dictionary<string, object?> { ["dti"] = 0.9, ["purpose"] = "home", ["term"] = 36 },
            new Dictionary<string, object?> { ["dti"] = null, ["purpose"] = "car", ["term"] = 36 },
            new Dictionary<string, object?> { ["dti"] = 0.3, ["purpose"] = "home", ["term"] = 12 },
        };
        var typical = TypicalValues.FromRows(rows);
        Assert.Equal(0.35, (double)typical["dti"]!, 12);
        Assert.Equal("home", typical["purpose"]);
        Assert.Equal(36.0, typical["term"]);
    }

    [Theory]
    [InlineData(0.12, "0.12")]
    [InlineData(0.6123, "0.61")]
    [InlineData(3.14159, "3.14")]
    [InlineData(52000, "52,000")]
    [InlineData(0.0012, "0.0012")]
    public void Numbers_ReadNaturally(double value, string text) => Assert.Equal(text, ReasonCodes.FormatNumber(value));
}
