using Ferry.Core.Serving;

namespace Ferry.Storage.Serving;

/// <summary>Which predictions of an endpoint to list.</summary>
public sealed record PredictionQuery
{
    /// <summary>The endpoint.</summary>
    public required string EndpointName { get; init; }

    /// <summary>Served at or after this time, epoch ms.</summary>
    public long? From { get; init; }

    /// <summary>Served before this time, epoch ms.</summary>
    public long? To { get; init; }

    /// <summary>Continue after this prediction (the last id of the previous page).</summary>
    public Guid? After { get; init; }

    /// <summary>Page size, 1 to <see cref="PredictionStore.MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>A logged prediction and its ground truth, if any arrived.</summary>
/// <param name="Prediction">The logged row.</param>
/// <param name="Feedback">Its feedback, or null.</param>
public sealed record PredictionWithFeedback(PredictionRecord Prediction, PredictionFeedback? Feedback);

/// <summary>What a retention pass deleted.</summary>
/// <param name="Predictions">Prediction rows deleted.</param>
/// <param name="Feedback">Feedback rows deleted with them.</param>
public sealed record PredictionRetentionResult(int Predictions, int Feedback);
