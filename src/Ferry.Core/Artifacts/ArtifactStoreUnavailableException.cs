using Ferry.Core.Errors;

namespace Ferry.Core.Artifacts;

/// <summary>
/// The artifact store cannot be reached or refuses Ferry (a missing bucket, missing or rejected credentials, an
/// unreachable endpoint): HTTP 503. The message names what is wrong and never holds a secret.
/// </summary>
public sealed class ArtifactStoreUnavailableException(string message, Exception? inner = null) : FerryException(message, inner);
