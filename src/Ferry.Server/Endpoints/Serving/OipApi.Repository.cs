using System.Security.Claims;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>The model-repository extension on REST: <c>POST /v2/repository/index</c>, <c>.../models/{name}/load</c> and <c>/unload</c>.</summary>
public static partial class OipApi
{
    /// <summary>The extension's name in server metadata.</summary>
    public const string RepositoryExtension = "model_repository";

    private static void MapRepository(RouteGroupBuilder v2)
    {
        v2.MapPost("/repository/index", RepositoryIndexAsync).WithMetadata(new ReadOnlyOperationAttribute()).WithName("OipRepositoryIndex");
        v2.MapPost("/repository/models/{name}/load", RepositoryLoadAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("OipRepositoryLoad");
        v2.MapPost("/repository/models/{name}/unload", RepositoryUnloadAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("OipRepositoryUnload");
    }

    /// <summary>
    /// <c>[{"name", "version", "state", "reason"}]</c> for every endpoint; the optional body <c>{"ready": true}</c>
    /// keeps only the loaded ones (<c>repository_name</c> is accepted and ignored: Ferry has one repository).
    /// </summary>
    public static async Task RepositoryIndexAsync(HttpContext context, OipRepository repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(repository);
        var readyOnly = false;
        if (context.Request.ContentLength is not 0 && context.Request.HasJsonContentType())
        {
            using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("ready", out var ready))
            {
                readyOnly = ready.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new ValidationException("ready", "must be true or false"),
                };
            }
        }

        var entries = await repository.IndexAsync(readyOnly, cancellationToken);
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartArray();
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("name", entry.Name);
                writer.WriteString("version", entry.Version);
                writer.WriteString("state", entry.State);
                writer.WriteString("reason", entry.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Loads every version the endpoint routes to; 200 with an empty body, as Triton answers.</summary>
    public static async Task RepositoryLoadAsync(string name, ClaimsPrincipal user, OipRepository repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        await repository.LoadAsync(name, user.ActorName(), cancellationToken);
    }

    /// <summary>Retires the endpoint's versions from memory; 200 with an empty body.</summary>
    public static async Task RepositoryUnloadAsync(string name, ClaimsPrincipal user, OipRepository repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        await repository.UnloadAsync(name, user.ActorName(), cancellationToken);
    }
}
