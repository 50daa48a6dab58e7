using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;

namespace Ferry.Server.Explain;

/// <summary>Routes to registered versions, deployed or not.</summary>
public static class RegisteredRoute
{
    /// <summary>A registered version as a route (for versions no longer deployed).</summary>
    /// <exception cref="ValidationException">The version is not a servable model.</exception>
    public static ResolvedRoute Of(RegistryVersion found)
    {
        ArgumentNullException.ThrowIfNull(found);
        if (found.Version.Flavor is not { } flavor || found.Version.ArtifactPath is not { } path)
        {
            throw new ValidationException("version", $"{found.ModelName} version {found.Version.Version} is not a servable model");
        }

        return new ResolvedRoute(found.ModelName, found.Version.Version, null, flavor, path, RouteRole.Weighted, 100);
    }
}
