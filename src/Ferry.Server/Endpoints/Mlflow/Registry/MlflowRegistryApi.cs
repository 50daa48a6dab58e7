using Ferry.Core.Registry;
using Ferry.Server.Errors;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>
/// MLflow's model-registry routes (spec §5). Reads need a viewer, writes a scientist; moving the champion alias or
/// moving a version into or out of Production needs an approver, refused with 403 <c>PERMISSION_DENIED</c>.
/// </summary>
public static class MlflowRegistryApi
{
    /// <summary>Maps the registry routes onto an MLflow group.</summary>
    public static RouteGroupBuilder MapMlflowRegistry(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var models = group.MapGroup("/registered-models").AddEndpointFilter(DenyProtectedChanges);
        Write(models.MapPost("/create", RegisteredModelHandlers.CreateAsync));
        models.MapGet("/get", RegisteredModelHandlers.GetAsync);
        Write(models.MapPatch("/update", RegisteredModelHandlers.UpdateAsync));
        Write(models.MapPost("/rename", RegisteredModelHandlers.RenameAsync));
        Write(models.MapDelete("/delete", RegisteredModelHandlers.DeleteAsync));
        models.MapGet("/search", RegisteredModelHandlers.SearchAsync);
        models.MapPost("/get-latest-versions", RegisteredModelHandlers.GetLatestVersionsPostAsync).WithMetadata(new ReadOnlyOperationAttribute());
        models.MapGet("/get-latest-versions", RegisteredModelHandlers.GetLatestVersionsGetAsync);
        Write(models.MapPost("/set-tag", RegisteredModelHandlers.SetTagAsync));
        Write(models.MapDelete("/delete-tag", RegisteredModelHandlers.DeleteTagAsync));
        Write(models.MapPost("/alias", RegisteredModelHandlers.SetAliasAsync));
        Write(models.MapDelete("/alias", RegisteredModelHandlers.DeleteAliasAsync));
        models.MapGet("/alias", RegisteredModelHandlers.GetByAliasAsync);

        var versions = group.MapGroup("/model-versions").AddEndpointFilter(DenyProtectedChanges);
        Write(versions.MapPost("/create", ModelVersionHandlers.CreateAsync));
        versions.MapGet("/get", ModelVersionHandlers.GetAsync);
        Write(versions.MapPatch("/update", ModelVersionHandlers.UpdateAsync));
        Write(versions.MapDelete("/delete", ModelVersionHandlers.DeleteAsync));
        Write(versions.MapPost("/transition-stage", ModelVersionHandlers.TransitionStageAsync));
        versions.MapGet("/search", ModelVersionHandlers.SearchAsync);
        versions.MapGet("/get-download-uri", ModelVersionHandlers.GetDownloadUriAsync);
        Write(versions.MapPost("/set-tag", ModelVersionHandlers.SetTagAsync));
        Write(versions.MapDelete("/delete-tag", ModelVersionHandlers.DeleteTagAsync));
        return group;
    }

    private static void Write(RouteHandlerBuilder route) => route.RequireAuthorization(FerryPolicies.Scientist);

    private static async ValueTask<object?> DenyProtectedChanges(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ProtectedRegistryChangeException denied)
        {
            throw new MlflowException(MlflowErrorCodes.PermissionDenied, denied.Message);
        }
    }
}
