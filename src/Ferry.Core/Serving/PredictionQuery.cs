namespace Ferry.Core.Serving;

/// <summary>Which predictions of an endpoint to list.</summary>
public sealed record PredictionQuery
{
    /// <summary>Largest page a listing returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The endpoint.</summary>
    public required string EndpointName { get; init; }

    /// <summary>Served at or after this time, epoch ms.</summary>
    public long? From { get; init; }

    /// <summary>Served before this time, epoch ms.</summary>
    public long? To { get; init; }

    /// <summary>Continue after this prediction (the last id of the previous page).</summary>
    public Guid? After { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;
}
