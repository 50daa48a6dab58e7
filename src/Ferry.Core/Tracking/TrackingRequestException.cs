using Ferry.Core.Errors;

namespace Ferry.Core.Tracking;

/// <summary>
/// A tracking request that cannot be honoured as asked (a changed parameter, a deleted run, a malformed filter).
/// MLflow routes answer it as 400 <c>INVALID_PARAMETER_VALUE</c> with the message as it stands.
/// </summary>
public sealed class TrackingRequestException(string message) : FerryException(message);
