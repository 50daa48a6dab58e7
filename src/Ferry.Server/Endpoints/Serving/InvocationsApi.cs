using System.Globalization;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// MLflow's scoring protocol (<c>mlflow models serve</c>'s <c>/invocations</c>) on an endpoint:
/// <c>POST /api/v1/endpoints/{name}/invocations</c> with a JSON body holding one of <c>dataframe_split</c>
/// (<c>{"columns", "data"}</c>), <c>dataframe_records</c> (list of objects), <c>instances</c> or <c>inputs</c> (a list of
/// objects, a list of rows in the model's field order, or an object of columns); <c>params</c> is ignored.
/// </summary>
/// <remarks>
/// The answer is <c>{"predictions": [...]}</c>, one value per row as MLflow's pyfunc server writes a model's
/// <c>predict()</c> output: a classifier's predicted label (a JSON number when the label is an integer, a boolean for
/// <c>true</c>/<c>false</c>, else a string — scikit-learn's <c>predict</c>, not <c>predict_proba</c>), a regressor's
/// value. Prediction ids go in the <c>Ferry-Prediction-Ids</c> header (comma-separated) since MLflow's body has no
/// place for them. CSV bodies are not accepted. Errors are Ferry's problem+json (400 naming each field).
/// </remarks>
public static class InvocationsApi
{
    /// <summary>The response header carrying the prediction ids.</summary>
    public const string PredictionIdsHeader = "Ferry-Prediction-Ids";

    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapInvocationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/endpoints/{name}/invocations", InvokeAsync).WithTags("Serving").RequireAuthorization(FerryPolicies.Viewer)
            .WithMetadata(new ReadOnlyOperationAttribute()).WithName("Invocations")
            .WithSummary("MLflow scoring protocol: dataframe_split, dataframe_records, instances or inputs in; {\"predictions\": [...]} out.");
        return routes;
    }

    /// <summary>Scores an MLflow scoring request.</summary>
    public static async Task InvokeAsync(string name, HttpContext context, Router router, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(router);
        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        var bind = Binder(document.RootElement);
        var served = await ServingProblems.ServeAsync(context, () => router.PredictAsync(name, null, bind, cancellationToken));
        if (served is null)
        {
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers[PredictionIdsHeader] = string.Join(',', served.Ids);
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("predictions");
            foreach (var row in served.Result.Rows)
            {
                WriteValue(writer, row);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }

    private static Func<ILoadedModel, FeatureBatch> Binder(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("$", "the body must be a JSON object with one of dataframe_split, dataframe_records, instances, inputs");
        }

        if (root.TryGetProperty("dataframe_split", out var split))
        {
            if (split.ValueKind != JsonValueKind.Object || !split.TryGetProperty("data", out var data))
            {
                throw new ValidationException("dataframe_split", "must be {\"columns\": [...], \"data\": [[...], ...]}");
            }

            RecordValidator.RowCount(data, "dataframe_split.data");
            var columns = split.TryGetProperty("columns", out var c) ? Columns(c) : null;
            return model => RecordValidator.FromRows(columns ?? model.Features.Select(f => f.Name).ToArray(), data, model.Features, "dataframe_split.data");
        }

        if (root.TryGetProperty("dataframe_records", out var records))
        {
            RecordValidator.RowCount(records, "dataframe_records");
            return model => RecordValidator.FromRecords(records, model.Features, "dataframe_records");
        }

        foreach (var key in (ReadOnlySpan<string>)["instances", "inputs"])
        {
            if (root.TryGetProperty(key, out var value))
            {
                return Flexible(value, key);
            }
        }

        throw new ValidationException("$", "the body must hold one of dataframe_split, dataframe_records, instances, inputs");
    }

    private static Func<ILoadedModel, FeatureBatch> Flexible(JsonElement value, string key)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            return model => RecordValidator.FromColumns(value, model.Features, key);
        }

        RecordValidator.RowCount(value, key);
        var first = value.EnumerateArray().First();
        return first.ValueKind == JsonValueKind.Array
            ? model => RecordValidator.FromRows(model.Features.Select(f => f.Name).ToArray(), value, model.Features, key)
            : model => RecordValidator.FromRecords(value, model.Features, key);
    }

    private static string[] Columns(JsonElement columns)
    {
        if (columns.ValueKind != JsonValueKind.Array || columns.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
        {
            throw new ValidationException("dataframe_split.columns", "must be an array of column names");
        }

        return columns.EnumerateArray().Select(c => c.GetString()!).ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, RowPrediction row)
    {
        if (row.Label is { } label)
        {
            if (long.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
            }
            else if (label is "true" or "false")
            {
                writer.WriteBooleanValue(label == "true");
            }
            else
            {
                writer.WriteStringValue(label);
            }
        }
        else if (row.Score is { } score)
        {
            RowJson.WriteNumber(writer, score);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
