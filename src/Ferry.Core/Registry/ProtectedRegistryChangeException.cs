using Ferry.Core.Errors;

namespace Ferry.Core.Registry;

/// <summary>The change touches protected registry state (the champion alias, the Production stage) and the caller is below approver.</summary>
public sealed class ProtectedRegistryChangeException(string message) : FerryException(message);
