namespace Ferry.Server.Serving;

/// <summary>
/// A durable endpoint's rows were not committed within <see cref="PredictionLogOptions.DurableTimeout"/>: the request
/// is answered 503 with Retry-After and no prediction ids. The rows stay queued and are written once the database
/// accepts them, so a retry logs the prediction a second time under new ids.
/// </summary>
public sealed class PredictionNotCommittedException : Exception
{
    /// <summary>Creates the exception for an endpoint's rows.</summary>
    public PredictionNotCommittedException(string endpoint, int rows, TimeSpan timeout)
        : base($"The {rows} prediction-log row(s) of endpoint '{endpoint}' were not committed within {timeout.TotalSeconds:0.###} s.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PredictionNotCommittedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PredictionNotCommittedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PredictionNotCommittedException()
    {
    }
}
