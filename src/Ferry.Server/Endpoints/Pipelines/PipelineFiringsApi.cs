using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Server.Identity;
using Ferry.Server.Pipelines.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ferry.Server.Endpoints.Pipelines;

/// <summary>
/// Trigger firings, newest first, of every kind (schedule, alert, labels, manual) with their outcome (started,
/// cooldown, busy, disabled) and why: <c>GET /api/v1/pipelines/{name}/firings</c> and <c>GET /api/v1/firings</c>
/// (viewer).
/// </summary>
public static class PipelineFiringsApi
{
    /// <summary>The default number of firings listed.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most firings one request lists.</summary>
    public const int MaxLimit = 1_000;

    /// <summary>Maps the firing routes.</summary>
    public static IEndpointRouteBuilder MapPipelineFiringsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/pipelines/{name}/firings", ListOfPipelineAsync).WithTags("Pipelines").RequireAuthorization(FerryPolicies.Viewer)
            .WithName("ListPipelineFirings").WithSummary("A pipeline's trigger firings, newest first (?limit=, default 100, at most 1000); those of a deleted pipeline stay listed.");
        routes.MapGet("/api/v1/firings", ListAllAsync).WithTags("Pipelines").RequireAuthorization(FerryPolicies.Viewer)
            .WithName("ListFirings").WithSummary("Every pipeline's trigger firings, newest first (?limit=, default 100, at most 1000).");
        return routes;
    }

    /// <summary>One pipeline's firings; 404 when there is neither such a pipeline nor firings of it.</summary>
    public static async Task<IResult> ListOfPipelineAsync(string name, int? limit, IPipelineStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var firings = await store.ListFiringsAsync(name, Limit(limit), cancellationToken);
        if (firings.Count == 0 && await store.FindAsync(name, cancellationToken) is null)
        {
            throw new NotFoundException($"pipeline '{name}' does not exist");
        }

        return View(firings);
    }

    /// <summary>Every pipeline's firings.</summary>
    public static async Task<IResult> ListAllAsync(int? limit, IPipelineStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return View(await store.ListFiringsAsync(null, Limit(limit), cancellationToken));
    }

    private static int Limit(int? limit) => limit switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => throw new ValidationException("limit", $"must be between 1 and {MaxLimit}"),
        { } n => n,
    };

    private static JsonHttpResult<FiringListView> View(IReadOnlyList<TriggerFiring> firings) =>
        TypedResults.Json(new FiringListView([.. firings.Select(FiringView.From)]), TriggersJsonContext.Default.FiringListView);
}
