namespace Ferry.Core.Contracts;

/// <summary>One seal as the API shows it.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="From">Start of the sealed stretch, inclusive.</param>
/// <param name="To">End, exclusive.</param>
/// <param name="Predictions">Predictions sealed.</param>
/// <param name="Reviews">Reviews sealed.</param>
/// <param name="Digest">Lower-case hex SHA-256 of the seal's leaves, as written to the audit chain.</param>
public sealed record SealView(string Endpoint, DateTimeOffset From, DateTimeOffset To, int Predictions, int Reviews, string Digest);

/// <summary><c>POST /api/v1/audit/seal</c>: the seals made.</summary>
/// <param name="Seals">Each new seal, oldest first per endpoint.</param>
public sealed record SealResult(IReadOnlyList<SealView> Seals);

/// <summary><c>PUT /api/v1/endpoints/{name}/retention</c>: days to keep the endpoint's predictions (null: the server's default).</summary>
public sealed record RetentionUpdate
{
    /// <summary>Days, at least 1 and never below the retention floor of a model the endpoint serves; null for the server's default.</summary>
    public int? Days { get; init; }
}

/// <summary>An endpoint's prediction retention.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Days">Its own setting, or null for the server's default.</param>
/// <param name="FloorDays">The retention floor of the models it serves (0: none).</param>
/// <param name="FloorModel">The model that sets the floor, if any.</param>
public sealed record RetentionView(string Endpoint, int? Days, int FloorDays, string? FloorModel);
