using System.Globalization;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Ferry.Server.Identity;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// MLflow's scoring protocol (<c>mlflow models serve</c>'s <c>/invocations</c>) on an endpoint:
/// <c>POST /api/v1/endpoints/{name}/invocations</c> with a JSON body holding one of <c>dataframe_split</c>
/// (<c>{"columns", "data"}</c>), <c>dataframe_records</c> (list of objects), <c>instances</c> or <c>inputs</c> (a list of
/// objects, a list of rows in the model's field order, or an object of columns) — exactly one, as MLflow requires;
/// <c>params</c> (and any other member) is accepted and ignored, as MLflow's server does for a model without params.
/// </summary>
/// <remarks>
/// The answer is <c>{"predictions": [...]}</c>, one entry per row as MLflow's pyfunc server writes a model's output,
/// chosen per endpoint like MLflow's <c>pyfunc_predict_fn</c> (<see cref="InvocationsOutput"/>): <c>predict</c> (the
/// default) answers a classifier's predicted label (a JSON number when the label is an integer, a boolean for
/// <c>true</c>/<c>false</c>, else a string) or a regressor's value; <c>predict_proba</c> the class probabilities
/// <c>[p0, p1, …]</c> in the model's class order (a model without probabilities answers its values); <c>outputs</c>
/// one object per row holding every named output, as MLflow's onnx flavor answers a DataFrame (a one-value output as a
/// scalar, scikit-learn's ZipMap as <c>{"class": p}</c>, a wider tensor as an array). Prediction ids go in the
/// <c>Ferry-Prediction-Ids</c> header (comma-separated) since MLflow's body has no place for them. CSV bodies are not
/// accepted. While the endpoint is suspended every row's prediction is the fallback object and the answer carries
/// <c>Ferry-Suspended: true</c>. Errors are MLflow's <c>{"error_code", "message"}</c> (<see cref="Errors.ScoringErrors"/>).
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
    public static async Task InvokeAsync(string name, HttpContext context, Router router, PolicyCache policies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(policies);
        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        var binder = Binder(document.RootElement);
        ILoadedModel? scored = null;
        var served = await ServingProblems.ServeAsync(context, () => router.PredictAsync(name, null, model =>
        {
            scored = model;
            return binder(model);
        }, cancellationToken));
        if (served is null)
        {
            return;
        }

        var output = (await policies.GetAsync(name, cancellationToken))?.InvocationsOutput ?? InvocationsOutput.Predict;
        if (served.Fallback is not null)
        {
            await WriteFallbackAsync(context, served, cancellationToken);
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers[PredictionIdsHeader] = string.Join(',', served.Ids);
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("predictions");
            for (var r = 0; r < served.Result.Rows.Count; r++)
            {
                var row = served.Result.Rows[r];
                switch (output)
                {
                    case InvocationsOutput.PredictProba when row.Probabilities is { } probabilities:
                        writer.WriteStartArray();
                        foreach (var p in probabilities.Values)
                        {
                            RowJson.WriteNumber(writer, p);
                        }

                        writer.WriteEndArray();
                        break;
                    case InvocationsOutput.Outputs:
                        WriteOutputs(writer, served.Result, r, scored?.Signature);
                        break;
                    default:
                        WriteValue(writer, row);
                        break;
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }

    // Suspended: the fallback object once per row, whatever the endpoint's output mode.
    private static async Task WriteFallbackAsync(HttpContext context, ServedBatch served, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers[PredictionIdsHeader] = string.Join(',', served.Ids);
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("predictions");
            for (var r = 0; r < served.Ids.Count; r++)
            {
                writer.WriteRawValue(served.Fallback!, skipInputValidation: true);
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
            throw new ValidationException("$", $"Invalid input. The input must be a JSON dictionary with exactly one of the input fields {FormatList}. Received a {(root.ValueKind == JsonValueKind.Array ? "list" : "JSON " + root.ValueKind.ToString().ToLowerInvariant())}.");
        }

        var given = Formats.Where(f => root.TryGetProperty(f, out _)).ToArray();
        if (given.Length != 1)
        {
            throw new ValidationException("$", $"The input must be a JSON dictionary with exactly one of the input fields {FormatList}. Received dictionary with input fields: [{string.Join(", ", given.Select(g => $"'{g}'"))}].");
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

    private static readonly string[] Formats = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    private static readonly string FormatList = "{" + string.Join(", ", Formats.Select(f => $"'{f}'")) + "}";

    // Every named output of row r, as MLflow's onnx flavor answers a DataFrame: one value per output and row.
    private static void WriteOutputs(Utf8JsonWriter writer, InferenceResult result, int r, ModelSignature? signature)
    {
        var row = result.Rows[r];
        writer.WriteStartObject();
        foreach (var output in result.Outputs)
        {
            writer.WritePropertyName(output.Name);
            var spec = signature?.Outputs.FirstOrDefault(o => o.Name == output.Name);
            if (spec is not null && spec.ElementType.StartsWith("seq(", StringComparison.Ordinal) && row.Probabilities is { } probabilities)
            {
                // scikit-learn's ZipMap: a map of class label to probability per row.
                writer.WriteStartObject();
                foreach (var (label, p) in probabilities)
                {
                    writer.WritePropertyName(label);
                    RowJson.WriteNumber(writer, p);
                }

                writer.WriteEndObject();
                continue;
            }

            var width = 1;
            for (var d = 1; d < output.Shape.Count; d++)
            {
                width *= output.Shape[d];
            }

            if (width == 1)
            {
                WriteElement(writer, output.Data, r);
                continue;
            }

            writer.WriteStartArray();
            for (var i = r * width; i < (r + 1) * width; i++)
            {
                WriteElement(writer, output.Data, i);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteElement(Utf8JsonWriter writer, Array data, int i)
    {
        switch (data)
        {
            case float[] f:
                RowJson.WriteNumber(writer, f[i]);
                break;
            case double[] d:
                RowJson.WriteNumber(writer, d[i]);
                break;
            case long[] l:
                writer.WriteNumberValue(l[i]);
                break;
            case int[] n:
                writer.WriteNumberValue(n[i]);
                break;
            case bool[] b:
                writer.WriteBooleanValue(b[i]);
                break;
            case string[] s:
                writer.WriteStringValue(s[i]);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
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
