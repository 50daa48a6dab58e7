using System.Security.Claims;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Server.Governance;
using Ferry.Server.Identity;
using static Ferry.Server.Endpoints.Mlflow.Registry.RegistryInput;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>Handlers of <c>registered-models/*</c>.</summary>
internal static class RegisteredModelHandlers
{
    private static MlflowRegistryJsonContext Json => MlflowRegistryJsonContext.Default;

    public static async Task<IResult> CreateAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        var model = await store.CreateModelAsync(new NewRegisteredModel(Required(body.Name, "name"), body.Description, Tags(body.Tags)), user.ActorName(), ct);
        await RegistryEventPublisher.ModelCreatedAsync(request, model);
        return Model(model);
    }

    public static async Task<IResult> GetAsync(HttpRequest request, IRegistryStore store, CancellationToken ct) =>
        Model(await store.GetModelAsync(MlflowQuery.Required(request, "name"), ct));

    public static async Task<IResult> UpdateAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        return Model(await store.UpdateModelAsync(Required(body.Name, "name"), body.Description, user.ActorName(), ct));
    }

    public static async Task<IResult> RenameAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        return Model(await store.RenameModelAsync(Required(body.Name, "name"), Required(body.NewName, "new_name"), user.ActorName(), ct));
    }

    public static async Task<IResult> DeleteAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        await store.DeleteModelAsync(Required(body.Name, "name"), Caller(user), ct);
        return MlflowJson.Empty();
    }

    public static async Task<IResult> SearchAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var page = await store.SearchModelsAsync(Search(request, defaultMax: 100, limit: 1000), ct);
        return MlflowJson.Ok(new RegisteredModelsResponse([.. page.Items.Select(RegistryMapping.ToMessage)], page.NextPageToken), Json.RegisteredModelsResponse);
    }

    public static async Task<IResult> GetLatestVersionsPostAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        return await LatestAsync(store, Required(body.Name, "name"), body.Stages ?? [], ct);
    }

    public static Task<IResult> GetLatestVersionsGetAsync(HttpRequest request, IRegistryStore store, CancellationToken ct) =>
        LatestAsync(store, MlflowQuery.Required(request, "name"), [.. request.Query["stages"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)], ct);

    public static async Task<IResult> SetTagAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        await store.SetModelTagAsync(Required(body.Name, "name"), Required(body.Key, "key"), body.Value ?? string.Empty, user.ActorName(), ct);
        return MlflowJson.Empty();
    }

    public static async Task<IResult> DeleteTagAsync(HttpRequest request, IRegistryStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        await store.DeleteModelTagAsync(Required(body.Name, "name"), Required(body.Key, "key"), user.ActorName(), ct);
        return MlflowJson.Empty();
    }

    public static async Task<IResult> SetAliasAsync(HttpRequest request, IRegistryStore store, DirectMoveGuard guard, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        var (name, alias, version) = (Required(body.Name, "name"), Required(body.Alias, "alias"), Version(body.Version));
        var breakGlass = await guard.CheckAliasAsync(name, alias, version, request, user, ct);
        await store.SetAliasAsync(name, alias, version, Caller(user), ct);
        await guard.RecordAsync(breakGlass, ct);
        await RegistryEventPublisher.PublishAsync(request, RegistryWebhookEvents.ModelVersionAliasCreated, name, version, new() { ["alias"] = alias });
        return MlflowJson.Empty();
    }

    public static async Task<IResult> DeleteAliasAsync(HttpRequest request, IRegistryStore store, DirectMoveGuard guard, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.RegistryRequest);
        var (name, alias) = (Required(body.Name, "name"), Required(body.Alias, "alias"));
        var breakGlass = await guard.CheckAliasAsync(name, alias, null, request, user, ct);
        await store.DeleteAliasAsync(name, alias, Caller(user), ct);
        await guard.RecordAsync(breakGlass, ct);
        await RegistryEventPublisher.PublishAsync(request, RegistryWebhookEvents.ModelVersionAliasDeleted, name, null, new() { ["alias"] = alias });
        return MlflowJson.Empty();
    }

    public static async Task<IResult> GetByAliasAsync(HttpRequest request, IRegistryStore store, CancellationToken ct)
    {
        var version = await store.GetVersionByAliasAsync(MlflowQuery.Required(request, "name"), MlflowQuery.Required(request, "alias"), ct);
        return MlflowJson.Ok(new ModelVersionResponse(RegistryMapping.ToMessage(version)), Json.ModelVersionResponse);
    }

    private static async Task<IResult> LatestAsync(IRegistryStore store, string name, IReadOnlyList<string> stages, CancellationToken ct)
    {
        var versions = await store.GetLatestVersionsAsync(name, stages, ct);
        return MlflowJson.Ok(new ModelVersionsResponse([.. versions.Select(RegistryMapping.ToMessage)], null), Json.ModelVersionsResponse);
    }

    private static IResult Model(RegisteredModel model) =>
        MlflowJson.Ok(new RegisteredModelResponse(RegistryMapping.ToMessage(model)), Json.RegisteredModelResponse);
}
