namespace Ferry.Core.Tracking.Search;

/// <summary>What a search identifier refers to.</summary>
public enum SearchEntityType
{
    /// <summary>A run's latest metric value (<c>metrics.</c>).</summary>
    Metric,

    /// <summary>A run parameter (<c>params.</c>).</summary>
    Param,

    /// <summary>A tag (<c>tags.</c>).</summary>
    Tag,

    /// <summary>An attribute of the run or experiment itself (bare name or <c>attributes.</c>).</summary>
    Attribute,

    /// <summary>A dataset the run consumed (<c>datasets.</c>).</summary>
    Dataset,
}

/// <summary>An identifier of a filter or order-by clause, e.g. <c>metrics.rmse</c>; attribute keys are canonical.</summary>
/// <param name="Type">What it refers to.</param>
/// <param name="Key">The key (metric, param or tag name, or the canonical attribute name).</param>
public sealed record SearchIdentifier(SearchEntityType Type, string Key);
