using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Endpoints.Pipelines;
using Ferry.Server.Identity;
using Ferry.Server.Pipelines.Export;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// A window of the prediction log as a Parquet file for analysts
/// (<c>GET /api/v1/endpoints/{name}/predictions/export?from=…&amp;to=…</c>, viewer or above).
/// </summary>
public static class PredictionExportApi
{
    /// <summary>Maps the export route.</summary>
    public static IEndpointRouteBuilder MapPredictionExportApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/endpoints/{name}/predictions/export", ExportAsync)
            .WithTags("Predictions")
            .RequireAuthorization(FerryPolicies.Viewer)
            .WithName("ExportPredictions")
            .WithSummary("The predictions served in [from, to) as a Parquet file streamed in row groups: one typed column per input, the outputs, feedback, subject hash and erasure.")
            .Produces(StatusCodes.Status200OK, contentType: DatasetsApi.ParquetMediaType);
        return routes;
    }

    /// <summary>Validates the window, then streams the file (both reads of the log happen while the body is sent).</summary>
    public static async Task<IResult> ExportAsync(
        string name,
        string? from,
        string? to,
        IEndpointStore endpoints,
        IPredictionStore predictions,
        PredictionLog log,
        PredictionExporter exporter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(exporter);
        var fromMs = ParseTime("from", from);
        var toMs = ParseTime("to", to);
        if (toMs < fromMs)
        {
            throw new ValidationException("to", "must not be earlier than 'from'");
        }

        // Predictions acknowledged before the export began are in the file: the log's writer writes what it holds now.
        await log.WriteQueuedAsync(cancellationToken);
        if (await endpoints.GetAsync(name, cancellationToken) is null
            && (await predictions.ListAsync(new PredictionQuery { EndpointName = name, Limit = 1 }, cancellationToken)).Count == 0)
        {
            throw new NotFoundException($"endpoint '{name}' does not exist and has no logged predictions");
        }

        var fileName = string.Create(CultureInfo.InvariantCulture, $"{name}-predictions-{fromMs}-{toMs}.parquet");
        return TypedResults.Stream(
            async body =>
            {
                // Headers go out before the first pass, so a client waiting for them does not time out on a large window.
                await body.FlushAsync(cancellationToken);
                await exporter.ExportAsync(name, fromMs, toMs, body, cancellationToken);
            },
            DatasetsApi.ParquetMediaType,
            fileName);
    }

    /// <summary>An ISO 8601 time (UTC unless it names an offset) or epoch milliseconds, as epoch milliseconds.</summary>
    /// <exception cref="ValidationException">Missing or not a time.</exception>
    public static long ParseTime(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException(field, "is required (ISO 8601, e.g. 2026-01-31T00:00:00Z, or epoch milliseconds)");
        }

        if (value.All(char.IsAsciiDigit) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return ms;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            return time.ToUnixTimeMilliseconds();
        }

        throw new ValidationException(field, $"'{value}' is not a time (ISO 8601, e.g. 2026-01-31T00:00:00Z, or epoch milliseconds)");
    }
}
