using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Xunit;

namespace Ferry.Core.Tests.Registry;

public sealed class RegistryFilterTests
{
    private static bool Model(string filter, string name, params (string Key, string Value)[] tags) =>
        RegistryFilter.Parse(filter, RegistrySearchTarget.Models).Matches(c => c.Attribute == RegistryAttributes.Tag
            ? tags.Where(t => t.Key == c.TagKey).Select(t => t.Value).FirstOrDefault()
            : name);

    private static bool Version(string filter, string name, int version, string? runId = null, string source = "s3://b/m") =>
        RegistryFilter.Parse(filter, RegistrySearchTarget.Versions).Matches(c => c.Attribute switch
        {
            RegistryAttributes.VersionNumber => version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RegistryAttributes.RunId => runId,
            RegistryAttributes.SourcePath => source,
            RegistryAttributes.Tag => null,
            _ => name,
        });

    [Fact]
    public void PromptExclusion_MatchesModelsWithoutTheTag()
    {
        const string filter = "tag.`mlflow.prompt.is_prompt` != 'true'";
        Assert.True(Model(filter, "M"));
        Assert.True(Model(filter, "M", ("mlflow.prompt.is_prompt", "false")));
        Assert.False(Model(filter, "M", ("mlflow.prompt.is_prompt", "true")));
    }

    [Fact]
    public void PromptExclusion_AppendedToAUserFilter()
    {
        const string filter = "name LIKE 'M%' AND tag.`mlflow.prompt.is_prompt` != 'true'";
        Assert.True(Model(filter, "Model"));
        Assert.False(Model(filter, "model"));
        Assert.False(Model(filter, "Model", ("mlflow.prompt.is_prompt", "true")));
    }

    [Theory]
    [InlineData("name = 'M'", "M", true)]
    [InlineData("name='M'", "M", true)]
    [InlineData("name = \"M\"", "M", true)]
    [InlineData("name != 'M'", "M", false)]
    [InlineData("name LIKE 'cred%'", "credit", true)]
    [InlineData("name LIKE 'cred%'", "Credit", false)]
    [InlineData("name ILIKE 'cred%'", "Credit", true)]
    [InlineData("name like 'c_edit'", "credit", true)]
    [InlineData("name LIKE 'a.b'", "axb", false)]
    [InlineData("attributes.name = 'M'", "M", true)]
    public void Name_Comparisons(string filter, string name, bool expected) => Assert.Equal(expected, Model(filter, name));

    [Theory]
    [InlineData("tags.team = 'risk'", true)]
    [InlineData("tag.team = 'risk'", true)]
    [InlineData("tags.`team` = 'risk'", true)]
    [InlineData("tags.\"team\" LIKE 'ri%'", true)]
    [InlineData("tags.owner = 'x'", false)]
    [InlineData("tags.team = 'risk' and name = 'M'", true)]
    [InlineData("tags.team = 'risk' AND name = 'N'", false)]
    public void Tag_Comparisons(string filter, bool expected) => Assert.Equal(expected, Model(filter, "M", ("team", "risk")));

    [Fact]
    public void UnquotedDottedTagKey_SplitsOnTheFirstDot()
    {
        var condition = Assert.Single(RegistryFilter.Parse("tags.mlflow.runName = 'x'", RegistrySearchTarget.Models).Conditions);
        Assert.Equal("mlflow.runName", condition.TagKey);
    }

    [Theory]
    [InlineData("version_number = 2", true)]
    [InlineData("version_number > 1", true)]
    [InlineData("version_number >= 3", false)]
    [InlineData("version_number < '3'", true)]
    [InlineData("version_number IN (1, 2)", true)]
    [InlineData("name IN ('M', 'N') AND version_number <= 2", true)]
    [InlineData("name NOT IN ('M')", false)]
    [InlineData("run_id = 'abc'", true)]
    [InlineData("run_id IN ('x', 'abc')", true)]
    [InlineData("source_path LIKE 's3://%'", true)]
    public void Version_Comparisons(string filter, bool expected) => Assert.Equal(expected, Version(filter, "M", 2, "abc"));

    [Fact]
    public void Empty_MatchesEverything()
    {
        Assert.Empty(RegistryFilter.Parse(null, RegistrySearchTarget.Models).Conditions);
        Assert.True(Model("  ", "anything"));
    }

    [Theory]
    [InlineData("name = 'a' OR name = 'b'")]
    [InlineData("name = ")]
    [InlineData("name 'a'")]
    [InlineData("name = 'unterminated")]
    [InlineData("version_number = 1")]
    [InlineData("run_id = 'x'")]
    [InlineData("params.x = 'y'")]
    [InlineData("name > 'a'")]
    [InlineData("(name = 'a')")]
    public void Invalid_ModelFilters_AreRefused(string filter) =>
        Assert.Throws<ValidationException>(() => RegistryFilter.Parse(filter, RegistrySearchTarget.Models));

    [Theory]
    [InlineData("version_number = 'two'")]
    [InlineData("run_id LIKE 'x%'")]
    [InlineData("tags.a IN ('x')")]
    [InlineData("name IN ('a'")]
    public void Invalid_VersionFilters_AreRefused(string filter) =>
        Assert.Throws<ValidationException>(() => RegistryFilter.Parse(filter, RegistrySearchTarget.Versions));

    [Fact]
    public void OrderBy_ParsesKeysAndDirections()
    {
        var orders = RegistryOrder.Parse(["name DESC", "timestamp", "attributes.version_number asc"], RegistrySearchTarget.Versions);
        Assert.Equal(
            [new RegistryOrder("name", true), new RegistryOrder(RegistryOrder.LastUpdatedTimestamp, false), new RegistryOrder("version_number", false)],
            orders);
        Assert.Throws<ValidationException>(() => RegistryOrder.Parse(["version_number"], RegistrySearchTarget.Models));
        Assert.Throws<ValidationException>(() => RegistryOrder.Parse(["name SIDEWAYS"], RegistrySearchTarget.Models));
    }

    [Fact]
    public void PageToken_RoundTrips_AndRefusesGarbage()
    {
        Assert.Equal(0, RegistryPageToken.Decode(null));
        Assert.Equal(40, RegistryPageToken.Decode(RegistryPageToken.Encode(40)));
        Assert.Throws<ValidationException>(() => RegistryPageToken.Decode("not-base64!"));
    }
}
