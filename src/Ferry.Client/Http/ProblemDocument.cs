namespace Ferry.Client.Http;

/// <summary>The RFC 9457 problem+json body Ferry's server writes for every error.</summary>
internal sealed record ProblemDocument(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    Dictionary<string, string[]>? Errors,
    string? TraceId);
