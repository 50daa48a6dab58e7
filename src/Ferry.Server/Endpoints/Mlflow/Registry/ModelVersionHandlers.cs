using System.Security.Claims;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Core.Tracking;
using Ferry.Server.Governance;
using Ferry.Server.Identity;
using static Ferry.Server.Endpoints.Mlflow.Registry.RegistryInput;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>Handlers of <c>model-versions/*</c>.</summary>
internal static class ModelVersionHandlers
{
    private static MlflowRegistryJsonContext Json => MlflowRegistryJsonContext.Default;

    public static async Task<IResult> CreateAsync(HttpContext context, IRegistryStore store, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(context.Request, Json.RegistryRequest);
        var name = Required(body.Name, "name");
        var source = Required(body.Source, "source");
        _ = await store.GetModelAsync(name, ct);
        var resolver = new ModelSourceResolver(store, context.RequestServices);
        var logged = await resolver.FindLoggedModelAsync(source, ct);
        var resolved = await resolver.ResolveAsync(source, ct);
        var modelId = string.IsNullOrEmpty(body.ModelId) ? logged?.Id : body.ModelId;
        var version = await store.CreateVersionAsync(new NewModelVersion
        {
            ModelName = name,
            Source = source,
            RunId = string.IsNullOrEmpty(body.RunId) && !string.IsNullOrEmpty(logged?.SourceRunId) ? logged.SourceRunId : body.RunId,
            RunLink = body.RunLink,
            Description = body.Description,
            MlflowModelId = modelId,
            Tags = Tags(body.Tags),
            ArtifactPath = resolved.ArtifactPath,
            Flavor = resolved.Flavor,
            SignatureJson = resolved.SignatureJson,
        }, context.User.ActorName(), ct);
        if (modelId is not null && (logged?.Id == modelId || await FindLoggedModelAsync(context, modelId, ct)))
        {
            // As MLflow's server does: the logged model lists the versions registered from it.
            await context.RequestServices.GetRequiredService<ILoggedModelStore>()
                .AddModelVersionAsync(modelId, version.ModelName, version.Version.Version, context.User.ActorName(), ct);
        }

        await RegistryEventPublisher.VersionCreatedAsync(context.Request, version);
        return Version(version);
    }

    private static async Task<bool> FindLoggedModelAsync(HttpContext context, string modelId, CancellationToken ct)
    {
        try
        {
            _ = await context.RequestServices.GetRequiredService<ILoggedModelStore>().GetAsync(modelId, cancellationToken: ct);
            return true;
        }
        catch (Core.Errors.NotFoundException)
        {
            return false;
        }
    }

    public static async Task<IResult> GetAsync(HttpRequest request, IRegistryStore store, CancellationToken ct) =>
        Version(await store.GetVersionAsync(MlflowQuery.Required(request, "name"), RegistryInput.Version(MlflowQuery.Optional(request, "version")), ct));

    public static async Task<IResult> UpdateAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        return Version(await store.UpdateVersionAsync(Required(body.Name, "name"), RegistryInput.Version(body.Version), body.Description, user.ActorName(), ct));
    }

    public static async Task<IResult> DeleteAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        await store.DeleteVersionAsync(Required(body.Name, "name"), RegistryInput.Version(body.Version), Caller(user), ct);
        return MlflowJson.Empty();
    }

    public static async Task<IResult> TransitionStageAsync(HttpRequest request, IRegistryStore store, DirectMoveGuard guard, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        var (name, number, stage) = (Required(body.Name, "name"), RegistryInput.Version(body.Version), Required(body.Stage, "stage"));
        var current = await store.GetVersionAsync(name, number, ct);
        var breakGlass = await guard.CheckStageAsync(name, number, current.Version.CurrentStage, stage, request, user, ct);
        var version = await store.TransitionStageAsync(name, number, stage, body.ArchiveExistingVersions ?? false, Caller(user), ct);
        await guard.RecordAsync(breakGlass, ct);
        await RegistryEventPublisher.PublishAsync(request, RegistryWebhookEvents.ModelVersionStageChanged, version.ModelName, version.Version.Version, new() { ["to_stage"] = version.Version.CurrentStage });
        return Version(version);
    }

    public static async Task<IResult> SearchAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var page = await store.SearchVersionsAsync(Search(request, defaultMax: 10_000, limit: 200_000), ct);
        return MlflowJson.Ok(new ModelVersionsResponse([.. page.Items.Select(RegistryMapping.ToMessage)], page.NextPageToken), Json.ModelVersionsResponse);
    }

    public static async Task<IResult> GetDownloadUriAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var view = await store.GetVersionAsync(MlflowQuery.Required(request, "name"), RegistryInput.Version(MlflowQuery.Optional(request, "version")), ct);
        var uri = view.Version.ArtifactPath is { } path ? ModelSource.ArtifactsScheme + "/" + path : view.Version.Source;
        return MlflowJson.Ok(new DownloadUriResponse(uri), Json.DownloadUriResponse);
    }

    public static async Task<IResult> SetTagAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        await store.SetVersionTagAsync(Required(body.Name, "name"), RegistryInput.Version(body.Version), Required(body.Key, "key"), body.Value ?? string.Empty, user.ActorName(), ct);
        await RegistryEventPublisher.PublishAsync(request, RegistryWebhookEvents.ModelVersionTagSet, body.Name!, RegistryInput.Version(body.Version), new() { ["key"] = body.Key, ["value"] = body.Value ?? string.Empty });
        return MlflowJson.Empty();
    }

    public static async Task<IResult> DeleteTagAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        await store.DeleteVersionTagAsync(Required(body.Name, "name"), RegistryInput.Version(body.Version), Required(body.Key, "key"), user.ActorName(), ct);
        await RegistryEventPublisher.PublishAsync(request, RegistryWebhookEvents.ModelVersionTagDeleted, body.Name!, RegistryInput.Version(body.Version), new() { ["key"] = body.Key });
        return MlflowJson.Empty();
    }

    private static IResult Version(RegistryVersion version) =>
        MlflowJson.Ok(new ModelVersionResponse(RegistryMapping.ToMessage(version)), Json.ModelVersionResponse);
}
