using System.Globalization;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Server.Errors;
using Ferry.Server.Explain;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// <c>POST /api/v1/endpoints/{name}/predict</c>: JSON records in, one prediction per record out, each with a
/// prediction id (its prediction-log row is queued before the answer), the version that answered and its outputs.
/// </summary>
/// <remarks>
/// Callers are applications, so predicting needs only the viewer role: it reads models and changes no state of Ferry's
/// that a person manages (the prediction log it appends to is an audit trail of the answers, not a setting); the
/// route is therefore marked <see cref="ReadOnlyOperationAttribute"/>. <c>?explain=true</c> adds each row's explanation (as <c>POST /explain</c> answers it, with the same <c>reasons</c>, <c>outcome</c>, <c>method</c> and <c>samples</c>), or <c>explanationError</c> when the version cannot be explained.
/// </remarks>
public static class PredictApi
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapPredictApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/endpoints/{name}/predict", PredictAsync).WithTags("Serving").RequireAuthorization(FerryPolicies.Viewer)
            .WithMetadata(new ReadOnlyOperationAttribute()).WithName("Predict")
            .WithSummary("Scores {\"records\":[{feature: value}]}; answers {\"predictions\":[{\"id\",\"model\",\"version\",\"label\",\"score\",\"probabilities\"}]}.");
        return routes;
    }

    /// <summary>Scores the records.</summary>
    public static async Task PredictAsync(string name, HttpContext context, Router router, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(router);
        using var document = await ReadBodyAsync(context.Request, cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("records", out var records))
        {
            throw new ValidationException("records", "is required: the body must be {\"records\": [{\"feature\": value, ...}, ...]}");
        }

        RecordValidator.RowCount(records, "records");
        var explain = ExplainSettings(context.Request.Query);
        var served = await router.PredictAsync(name, null, model => RecordValidator.FromRecords(records, model.Features, "records"), cancellationToken);
        if (served is null)
        {
            await WriteLogFullAsync(context);
            return;
        }

        IReadOnlyList<ExplanationView>? explanations = null;
        string? explanationError = null;
        if (explain is not null)
        {
            var models = context.RequestServices.GetRequiredService<ModelCache>();
            var explainers = context.RequestServices.GetRequiredService<Explainers>();
            // The rows are already answered and logged: a version that cannot be explained still gets its predictions,
            // each with the reason instead of an explanation.
            try
            {
                using var lease = await models.AcquireAsync(served.Route, cancellationToken);
                var explainContext = await explainers.GetAsync(served.Route, lease.Model, cancellationToken);
                explanations = ExplanationViews.Explain(explainContext, served.Route, lease.Model, served.Batch,
                    explain, served.Ids);
            }
            catch (ValidationException e)
            {
                explanationError = e.Errors.Values.SelectMany(m => m).FirstOrDefault() ?? e.Message;
            }
        }

        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("predictions");
            for (var i = 0; i < served.Ids.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("id", served.Ids[i]);
                writer.WriteString("model", served.Route.ModelName);
                writer.WriteNumber("version", served.Route.Version);
                RowJson.WritePrediction(writer, served.Result.Rows[i], open: false);
                if (explanations is not null)
                {
                    writer.WritePropertyName("explanation");
                    JsonSerializer.Serialize(writer, explanations[i], ExplainJsonContext.Default.ExplanationView);
                }
                else if (explanationError is not null)
                {
                    writer.WriteString("explanationError", explanationError);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The explanation settings of <c>?explain=true</c> (<c>reasons</c>, <c>outcome</c>, <c>method</c>, <c>samples</c>, as
    /// on <c>POST /explain</c>), or null without it. Read by hand, not bound as parameters, so the plain predict path
    /// pays nothing for them; checked before anything is served, so a bad setting refuses the whole request.
    /// </summary>
    private static ReasonSettings? ExplainSettings(IQueryCollection query)
    {
        if (!string.Equals(query["explain"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return ReasonQuery.Settings(WholeNumber(query, "reasons"), query["outcome"].FirstOrDefault(), query["method"].FirstOrDefault(), WholeNumber(query, "samples"));
    }

    private static int? WholeNumber(IQueryCollection query, string name) =>
        query[name].FirstOrDefault() is not { Length: > 0 } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ValidationException(name, "must be a whole number");

    /// <summary>Parses the request body; malformed JSON is a 400 naming where it broke.</summary>
    /// <exception cref="ValidationException">The body is not JSON.</exception>
    internal static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : string.Empty;
            throw new ValidationException("$", $"the body is not valid JSON{where}");
        }
    }

    /// <summary>503: the prediction log stayed full, so nothing was answered (no prediction ids).</summary>
    internal static Task WriteLogFullAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Prediction log full",
            "the prediction log's buffer stayed full, so the request was not answered (no prediction ids were issued); retry shortly");
    }
}
