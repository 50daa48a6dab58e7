using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;
using Xunit;

namespace Ferry.Core.Tests.Tracking;

public sealed class SearchParserTests
{
    [Fact]
    public void EmptyFilter_MatchesAll()
    {
        Assert.Empty(SearchParser.ParseFilter(null, SearchGrammar.Runs));
        Assert.Empty(SearchParser.ParseFilter("  ", SearchGrammar.Runs));
    }

    [Fact]
    public void ClientFilter_ParamsAndMetrics_JoinedByLowercaseAnd()
    {
        var filter = SearchParser.ParseFilter("params.a = '1' and metrics.m >= 0", SearchGrammar.Runs);
        Assert.Equal(2, filter.Count);
        Assert.Equal(new SearchIdentifier(SearchEntityType.Param, "a"), filter[0].Identifier);
        Assert.Equal(SearchOperator.Equal, filter[0].Operator);
        Assert.Equal("1", filter[0].Text);
        Assert.Equal(new SearchIdentifier(SearchEntityType.Metric, "m"), filter[1].Identifier);
        Assert.Equal(SearchOperator.GreaterOrEqual, filter[1].Operator);
        Assert.Equal(0d, filter[1].Number);
    }

    [Theory]
    [InlineData("tags.`mlflow.runName` = 'x'")]
    [InlineData("tags.\"mlflow.runName\" = 'x'")]
    [InlineData("tags.mlflow.runName = 'x'")]
    [InlineData("tag.mlflow.runName = \"x\"")]
    public void TagKeys_QuotedOrSplitOnFirstDot(string filter)
    {
        var comparison = Assert.Single(SearchParser.ParseFilter(filter, SearchGrammar.Runs));
        Assert.Equal(new SearchIdentifier(SearchEntityType.Tag, "mlflow.runName"), comparison.Identifier);
        Assert.Equal("x", comparison.Text);
    }

    [Theory]
    [InlineData("metrics.`my metric` < -1.5e2", SearchEntityType.Metric, "my metric")]
    [InlineData("metric.\"a-b\" != 3", SearchEntityType.Metric, "a-b")]
    [InlineData("parameters.lr LIKE '0.%'", SearchEntityType.Param, "lr")]
    [InlineData("attr.start_time > 5", SearchEntityType.Attribute, "start_time")]
    [InlineData("created > 5", SearchEntityType.Attribute, "start_time")]
    [InlineData("`Run Name` = 'r'", SearchEntityType.Attribute, "run_name")]
    [InlineData("run.status = 'FINISHED'", SearchEntityType.Attribute, "status")]
    [InlineData("dataset.digest = 'abc'", SearchEntityType.Dataset, "digest")]
    public void Prefixes_AndAliases(string filter, SearchEntityType type, string key)
    {
        var comparison = Assert.Single(SearchParser.ParseFilter(filter, SearchGrammar.Runs));
        Assert.Equal(new SearchIdentifier(type, key), comparison.Identifier);
    }

    [Fact]
    public void RunIdIn_AndNotIn()
    {
        var filter = SearchParser.ParseFilter("attributes.run_id IN ('a', 'b') AND run_id NOT IN ('c')", SearchGrammar.Runs);
        Assert.Equal(SearchOperator.In, filter[0].Operator);
        Assert.Equal(["a", "b"], filter[0].List!);
        Assert.Equal(SearchOperator.NotIn, filter[1].Operator);
        Assert.Equal(["c"], filter[1].List!);
    }

    [Fact]
    public void Strings_KeepEscapedQuotes()
    {
        var comparison = Assert.Single(SearchParser.ParseFilter("params.p = 'it''s'", SearchGrammar.Runs));
        Assert.Equal("it's", comparison.Text);
    }

    [Theory]
    [InlineData("metrics.m > 'x'")]
    [InlineData("params.a = 1")]
    [InlineData("params.a > '1'")]
    [InlineData("tags.t IN ('a')")]
    [InlineData("status IN ('a')")]
    [InlineData("foo.bar = 'x'")]
    [InlineData("nonsense = 'x'")]
    [InlineData("params.a = '1' OR params.b = '2'")]
    [InlineData("params.a = '1' params.b = '2'")]
    [InlineData("metrics.m >")]
    [InlineData("params.a = 'unterminated")]
    [InlineData("metrics. > 1")]
    [InlineData("start_time LIKE '1%'")]
    [InlineData("run_id IN 'a'")]
    [InlineData("datasets.size = 'x'")]
    public void InvalidFilters_AreRefused(string filter)
    {
        var error = Assert.Throws<TrackingRequestException>(() => SearchParser.ParseFilter(filter, SearchGrammar.Runs));
        Assert.StartsWith("Invalid search expression", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics.rmse DESC", SearchEntityType.Metric, "rmse", true)]
    [InlineData("start_time", SearchEntityType.Attribute, "start_time", false)]
    [InlineData("attributes.start_time asc", SearchEntityType.Attribute, "start_time", false)]
    [InlineData("params.`learning rate` DESC", SearchEntityType.Param, "learning rate", true)]
    [InlineData("tags.x", SearchEntityType.Tag, "x", false)]
    public void OrderBy_ParsesEntityKeyAndDirection(string clause, SearchEntityType type, string key, bool descending)
    {
        Assert.Equal(new SearchOrder(new SearchIdentifier(type, key), descending), SearchParser.ParseOrderBy(clause, SearchGrammar.Runs));
    }

    [Theory]
    [InlineData("metrics.m SIDEWAYS")]
    [InlineData("")]
    [InlineData("datasets.name")]
    [InlineData("metrics.m DESC extra")]
    public void InvalidOrderBy_IsRefused(string clause)
    {
        Assert.Throws<TrackingRequestException>(() => SearchParser.ParseOrderBy(clause, SearchGrammar.Runs));
    }

    [Fact]
    public void ExperimentGrammar_AcceptsNameTagsAndTimes_ButNotMetrics()
    {
        var filter = SearchParser.ParseFilter("name ILIKE 'a%' AND tags.team = 'x' AND creation_time > 0", SearchGrammar.Experiments);
        Assert.Equal(3, filter.Count);
        Assert.Throws<TrackingRequestException>(() => SearchParser.ParseFilter("metrics.m > 1", SearchGrammar.Experiments));
        Assert.Throws<TrackingRequestException>(() => SearchParser.ParseFilter("experiment_id = '1'", SearchGrammar.Experiments));
        Assert.Equal("experiment_id", SearchParser.ParseOrderBy("experiment_id DESC", SearchGrammar.Experiments).Identifier.Key);
    }
}
