using Ferry.Core.Artifacts;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// Refuses, before anything is stored, a deploy whose route names an MLflow model with only Python flavors (a pickle
/// Ferry cannot run), with a 400 that says how to export it to ONNX; every other refusal stays the endpoint store's.
/// </summary>
internal static class PythonFlavorCheck
{
    /// <summary>Throws a <see cref="ValidationException"/> naming each such route (<c>routes[i]</c>).</summary>
    public static async Task ThrowIfAnyAsync(IReadOnlyList<RouteRequest> routes, IRegistryStore registry, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < routes.Count; i++)
        {
            if (await VersionAsync(routes[i], registry, cancellationToken) is not { } version
                || version.Flavor is not null || version.ArtifactPath is not { } path)
            {
                continue;
            }

            MlflowModel? mlmodel;
            try
            {
                mlmodel = await MlflowModel.ReadAsync(artifacts, path, cancellationToken);
            }
            catch (ValidationException e)
            {
                errors[$"routes[{i}]"] = [$"model '{routes[i].ModelName}' version {version.Version} cannot be served: its MLmodel {string.Join("; ", e.Errors.Values.SelectMany(m => m))}"];
                continue;
            }

            if (mlmodel is { OnlyPythonFlavors: true })
            {
                errors[$"routes[{i}]"] = [mlmodel.ExportAdvice(routes[i].ModelName, version.Version)];
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    // The version a route names now; null when there is none (the store answers that).
    private static async Task<ModelVersion?> VersionAsync(RouteRequest route, IRegistryStore registry, CancellationToken cancellationToken)
    {
        try
        {
            var found = route.Alias is { } alias
                ? await registry.GetVersionByAliasAsync(route.ModelName, alias, cancellationToken)
                : route.Version is { } number ? await registry.GetVersionAsync(route.ModelName, number, cancellationToken) : null;
            return found?.Version;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
