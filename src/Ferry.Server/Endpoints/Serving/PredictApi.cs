using System.Text.Json;
using Ferry.Core.Errors;
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
/// route is therefore marked <see cref="ReadOnlyOperationAttribute"/>. While the endpoint is suspended each prediction
/// holds the fallback's members (version 0) instead of label, score and probabilities, and the answer carries
/// <c>Ferry-Suspended: true</c>. <c>?explain=true</c> adds each row's explanation (as <c>POST /explain</c> answers it, with the same <c>reasons</c>, <c>outcome</c>, <c>method</c> and <c>samples</c>), or <c>explanationError</c> when the version cannot be explained.
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
        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("records", out var records))
        {
            throw new ValidationException("records", "is required: the body must be {\"records\": [{\"feature\": value, ...}, ...]}");
        }

        RecordValidator.RowCount(records, "records");
        // Checked before anything is served, so a bad setting refuses the whole request.
        var explain = ExplanationSettings.Requested(context.Request.Query);
        var served = await ServingProblems.ServeAsync(context, () => router.PredictAsync(name, null, model => RecordValidator.FromRecords(records, model.Features, "records"), explain, cancellationToken));
        if (served is null)
        {
            return;
        }

        using var fallback = served.Fallback is null ? null : JsonDocument.Parse(served.Fallback);
        var explanations = served.Explanations;
        var explanationError = served.ExplanationError;

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
                if (fallback is not null)
                {
                    // Suspended: the fallback's members in place of the model's label, score and probabilities.
                    foreach (var member in fallback.RootElement.EnumerateObject())
                    {
                        member.WriteTo(writer);
                    }
                }
                else
                {
                    RowJson.WritePrediction(writer, served.Result.Rows[i], open: false);
                }

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
}
