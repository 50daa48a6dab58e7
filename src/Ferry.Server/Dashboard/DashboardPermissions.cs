using Ferry.Core.Identity;
using Ferry.Core.Serving;
using Ferry.Server.Dashboard.Pages;
using Ferry.Server.Identity;

namespace Ferry.Server.Dashboard;

/// <summary>
/// Per-resource grants on the dashboard, by the same rules as the API (<see cref="ResourcePermissions"/> on the
/// signed-in token's principal): a model's page, its cards and its promotion requests need READ on the registered model
/// (withdrawing a request EDIT, as <c>POST /api/v1/promotions/{id}/withdraw</c>); an endpoint's pages need READ on every
/// model it serves; lists show only what may be read. A refused page answers the same 404 as an unknown one, so the
/// dashboard does not reveal what exists.
/// </summary>
public static class DashboardPermissions
{
    /// <summary>Whether the signed-in person holds at least <paramref name="level"/> on registered model <paramref name="model"/>.</summary>
    public static async Task<bool> MayAsync(HttpContext context, string model, PermissionLevel level, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var permissions = context.RequestServices.GetRequiredService<ResourcePermissions>();
        return await permissions.EffectiveAsync(context.User, new ResourceRef(ResourceKind.RegisteredModel, model), cancellationToken) >= level;
    }

    /// <summary>Which of <paramref name="models"/> the signed-in person may read.</summary>
    public static Task<ISet<string>> ReadableModelsAsync(HttpContext context, IEnumerable<string> models, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(models);
        var permissions = context.RequestServices.GetRequiredService<ResourcePermissions>();
        return permissions.ReadableAsync(context.User, ResourceKind.RegisteredModel, [.. models.Distinct(StringComparer.Ordinal)], cancellationToken);
    }

    /// <summary>The models an endpoint's active traffic policy routes to.</summary>
    public static IEnumerable<string> ModelsOf(ServingEndpoint endpoint) =>
        InventoryPage.ActiveRoutes(endpoint).Select(r => r.ModelName).Distinct(StringComparer.Ordinal);

    /// <summary>The endpoints whose every served model the signed-in person may read.</summary>
    public static async Task<List<ServingEndpoint>> ReadableEndpointsAsync(HttpContext context, IEnumerable<ServingEndpoint> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var all = endpoints.ToList();
        var readable = await ReadableModelsAsync(context, all.SelectMany(ModelsOf), cancellationToken);
        return [.. all.Where(e => ModelsOf(e).All(readable.Contains))];
    }

    /// <summary>Whether the signed-in person may see an endpoint's pages: READ on every model it serves (and on the model that answered its latest prediction).</summary>
    public static async Task<bool> MayReadAsync(HttpContext context, EndpointView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var models = ModelsOf(view.Endpoint).ToList();
        if (view.Model is { } latest)
        {
            models.Add(latest);
        }

        var readable = await ReadableModelsAsync(context, models, cancellationToken);
        return models.All(readable.Contains);
    }

    /// <summary>Whether the signed-in person may read tracking experiment <paramref name="experimentId"/> (its runs, artifacts and logged models inherit its grants).</summary>
    public static async Task<bool> MayReadExperimentAsync(HttpContext context, long experimentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var permissions = context.RequestServices.GetRequiredService<ResourcePermissions>();
        var resource = new ResourceRef(ResourceKind.Experiment, experimentId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await permissions.EffectiveAsync(context.User, resource, cancellationToken) >= PermissionLevel.Read;
    }

    /// <summary>Which of <paramref name="experimentIds"/> the signed-in person may read (ids in the invariant culture).</summary>
    public static Task<ISet<string>> ReadableExperimentsAsync(HttpContext context, IEnumerable<long> experimentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(experimentIds);
        var permissions = context.RequestServices.GetRequiredService<ResourcePermissions>();
        var ids = experimentIds.Distinct().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return permissions.ReadableAsync(context.User, ResourceKind.Experiment, ids, cancellationToken);
    }
}
