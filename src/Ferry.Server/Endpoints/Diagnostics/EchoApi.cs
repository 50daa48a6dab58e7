using System.Text.Json;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Diagnostics;

/// <summary>
/// <c>POST /api/v1/echo</c>: answers the JSON document it was sent. It checks a client's connection, token and any
/// proxy in between, and is the no-op baseline of the serving benchmark (the same authentication, body limit and JSON
/// parsing and writing as <c>predict</c>, without a model or the prediction log).
/// </summary>
public static class EchoApi
{
    /// <summary>Maps the route (viewer; changes nothing).</summary>
    public static IEndpointRouteBuilder MapEchoApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/echo", EchoAsync).WithTags("Diagnostics").RequireAuthorization(FerryPolicies.Viewer)
            .WithMetadata(new ReadOnlyOperationAttribute()).WithName("Echo")
            .WithSummary("Answers the JSON document it was sent; malformed JSON gets 400.");
        return routes;
    }

    /// <summary>Parses the body and writes it back.</summary>
    public static async Task EchoAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            document.RootElement.WriteTo(writer);
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }
}
