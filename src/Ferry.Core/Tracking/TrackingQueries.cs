namespace Ferry.Core.Tracking;

/// <summary>A run search (MLflow <c>runs/search</c>).</summary>
/// <param name="ExperimentIds">The experiments searched.</param>
/// <param name="Filter">The filter expression (empty matches all).</param>
/// <param name="ViewType">Which lifecycle stages.</param>
/// <param name="MaxResults">Page size (1 to <see cref="TrackingLimits.MaxSearchResults"/>).</param>
/// <param name="OrderBy">Order-by items, e.g. <c>metrics.rmse DESC</c>.</param>
/// <param name="PageToken">The token of the page wanted, or null for the first.</param>
public sealed record RunSearchQuery(
    IReadOnlyList<long> ExperimentIds,
    string? Filter,
    ViewType ViewType,
    int MaxResults,
    IReadOnlyList<string> OrderBy,
    string? PageToken);

/// <summary>An experiment search (MLflow <c>experiments/search</c>).</summary>
/// <param name="Filter">The filter expression (empty matches all).</param>
/// <param name="ViewType">Which lifecycle stages.</param>
/// <param name="MaxResults">Page size.</param>
/// <param name="OrderBy">Order-by items.</param>
/// <param name="PageToken">The token of the page wanted, or null for the first.</param>
public sealed record ExperimentSearchQuery(
    string? Filter,
    ViewType ViewType,
    int MaxResults,
    IReadOnlyList<string> OrderBy,
    string? PageToken);
