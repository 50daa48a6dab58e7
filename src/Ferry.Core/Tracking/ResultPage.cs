namespace Ferry.Core.Tracking;

/// <summary>One page of results and the token for the next page (null on the last page).</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="NextPageToken">The token for the next page, or null when there is none.</param>
public sealed record ResultPage<T>(IReadOnlyList<T> Items, string? NextPageToken);
