using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Serving;

/// <summary>
/// Scoring against a deployed endpoint: <c>POST /api/v1/endpoints/{name}/predict</c> with JSON records, and the
/// endpoint's input metadata through the Open Inference Protocol (<c>GET /v2/models/{name}</c>). Needs a viewer token.
/// </summary>
/// <remarks>
/// Record values are written as the server's validator expects them: <see cref="long"/> and <see cref="int"/> as whole
/// JSON numbers, <see cref="double"/> and <see cref="float"/> as JSON numbers (NaN and infinities as <c>null</c>, which
/// the server accepts only where a feature allows missing values), <see cref="bool"/> as <c>true</c>/<c>false</c>,
/// <see cref="string"/> as a JSON string and null as <c>null</c>; any other value is written as its invariant text.
/// </remarks>
public sealed class PredictionsClient
{
    private const string Path = "api/v1/endpoints";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    internal PredictionsClient(HttpClient http) => _http = http;

    /// <summary>Scores records: one prediction per record, in the records' order.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="records">Feature values by field name (1 to 100,000 records).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The predictions, aligned with <paramref name="records"/>.</returns>
    /// <exception cref="FerryApiException">
    /// A record was rejected (400, with <see cref="FerryApiException.Errors"/> keyed <c>records[i].field</c>), no such
    /// endpoint (404), or the prediction log was full (503: nothing was answered, so retrying is safe).
    /// </exception>
    public async Task<IReadOnlyList<Prediction>> PredictAsync(
        string endpoint, IReadOnlyList<IReadOnlyDictionary<string, object?>> records, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentNullException.ThrowIfNull(records);
        using var content = new ByteArrayContent(Serialize(records));
        content.Headers.ContentType = Json;
        var path = $"{Path}/{Uri.EscapeDataString(endpoint)}/predict";
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<PredictResponse>(FerryJson.Options, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
        if (answer.Predictions is null || answer.Predictions.Count != records.Count)
        {
            throw new FerryApiException(response.StatusCode, "Unexpected response",
                $"the server answered {answer.Predictions?.Count ?? 0} predictions for {records.Count} records");
        }

        return answer.Predictions;
    }

    /// <summary>
    /// Explains records with the endpoint's primary version (<c>POST /api/v1/endpoints/{endpoint}/explain</c>): per row the
    /// base value, one attribution per feature, the output they add up to, and reason codes. Nothing is logged.
    /// </summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="records">Rows as feature name → value.</param>
    /// <param name="outcome">The word for what adverse features raise in reason codes (e.g. "risk").</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">Invalid records (400), no reference to explain against (400), or no such endpoint (404).</exception>
    public async Task<IReadOnlyList<ExplanationView>> ExplainAsync(
        string endpoint, IReadOnlyList<IReadOnlyDictionary<string, object?>> records, string? outcome = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentNullException.ThrowIfNull(records);
        using var content = new ByteArrayContent(Serialize(records));
        content.Headers.ContentType = Json;
        var path = $"{Path}/{Uri.EscapeDataString(endpoint)}/explain" + (outcome is null ? string.Empty : "?outcome=" + Uri.EscapeDataString(outcome));
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<ExplanationListView>(Monitoring.MonitoringClient.JsonOptions, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
        return answer.Explanations;
    }

    /// <summary>
    /// Explains a logged prediction with the version that answered it
    /// (<c>GET /api/v1/endpoints/{endpoint}/predictions/{id}/explanation</c>): the decision a customer asks about, days later.
    /// </summary>
    /// <param name="endpoint">The endpoint that answered.</param>
    /// <param name="predictionId">The prediction's id, as <see cref="PredictAsync"/> returned it.</param>
    /// <param name="outcome">The word for what adverse features raise in reason codes (e.g. "risk").</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">No such logged prediction (404, or retention removed it), or no reference to explain against (400).</exception>
    public async Task<ExplanationView> ExplainPredictionAsync(string endpoint, string predictionId, string? outcome = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(predictionId);
        var path = $"{Path}/{Uri.EscapeDataString(endpoint)}/predictions/{Uri.EscapeDataString(predictionId)}/explanation"
            + (outcome is null ? string.Empty : "?outcome=" + Uri.EscapeDataString(outcome));
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<ExplanationView>(Monitoring.MonitoringClient.JsonOptions, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
    }

    /// <summary>
    /// Sends ground truth for served predictions (<c>POST /api/v1/endpoints/{endpoint}/feedback</c>, scientist): a label
    /// for classifiers or a value for regressors, by prediction id. All or nothing; a later one replaces an earlier one.
    /// </summary>
    /// <returns>How many predictions got feedback.</returns>
    /// <exception cref="FerryApiException">An id is not a prediction of this endpoint (400, nothing stored), or not allowed (403).</exception>
    public async Task<int> SendFeedbackAsync(string endpoint, IReadOnlyList<Feedback> feedback, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentNullException.ThrowIfNull(feedback);
        var path = $"{Path}/{Uri.EscapeDataString(endpoint)}/feedback";
        using var response = await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), new FeedbackBody(feedback), FerryJson.Options, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<FeedbackAnswer>(FerryJson.Options, cancellationToken);
        return answer?.Accepted ?? 0;
    }

    /// <summary>
    /// Downloads the predictions an endpoint served in [<paramref name="from"/>, <paramref name="to"/>) as a Parquet file
    /// (<c>GET /api/v1/endpoints/{endpoint}/predictions/export</c>, viewer): one typed column per input, the outputs,
    /// feedback, subject hash and erasure. The body is streamed into <paramref name="destination"/> as it arrives.
    /// </summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="from">Start of the window, inclusive.</param>
    /// <param name="to">End of the window, exclusive (equal to <paramref name="from"/>: an empty file).</param>
    /// <param name="destination">Where the file's bytes go.</param>
    /// <param name="progress">Told the bytes received so far, if given.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The bytes received.</returns>
    /// <exception cref="FerryApiException">No such endpoint (404), a bad window (400), or not allowed (401/403).</exception>
    public async Task<long> ExportAsync(
        string endpoint, DateTimeOffset from, DateTimeOffset to, Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentNullException.ThrowIfNull(destination);
        var path = string.Create(CultureInfo.InvariantCulture,
            $"{Path}/{Uri.EscapeDataString(endpoint)}/predictions/export?from={from.ToUnixTimeMilliseconds()}&to={to.ToUnixTimeMilliseconds()}");
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
            progress?.Report(total);
        }

        return total;
    }

    /// <summary>
    /// The endpoint's model metadata (Open Inference Protocol): the serving version's inputs with their datatypes
    /// (<c>FP32</c>, <c>INT64</c>, <c>BYTES</c>, <c>BOOL</c>, ...) and outputs.
    /// </summary>
    /// <param name="endpoint">The endpoint's name (the protocol's model name).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">No such endpoint (404), or its model cannot be loaded.</exception>
    public async Task<ModelMetadata> GetMetadataAsync(string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        using var response = await _http.GetAsync(new Uri($"v2/models/{Uri.EscapeDataString(endpoint)}", UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await OipErrorAsync(response, cancellationToken);
        }

        return await response.Content.ReadFromJsonAsync<ModelMetadata>(FerryJson.Options, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
    }

    /// <summary>The <c>{"records": [...]}</c> body, written directly so values keep the JSON kinds the server checks.</summary>
    internal static byte[] Serialize(IReadOnlyList<IReadOnlyDictionary<string, object?>> records)
    {
        using var buffer = new MemoryStream(64 + (records.Count * 96));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("records");
            foreach (var record in records)
            {
                writer.WriteStartObject();
                foreach (var (name, value) in record)
                {
                    writer.WritePropertyName(name);
                    WriteValue(writer, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case double or float: writer.WriteNullValue(); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case short or byte or sbyte or ushort or uint: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static async Task<FerryApiException> OipErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // The protocol's routes answer {"error": "..."} rather than problem+json (401 and 403 stay problems).
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            && response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                var body = await response.Content.ReadFromJsonAsync<OipError>(FerryJson.Options, cancellationToken);
                if (body?.Error is { Length: > 0 } message)
                {
                    return new FerryApiException(response.StatusCode, response.ReasonPhrase ?? $"HTTP {(int)response.StatusCode}", message);
                }
            }
            catch (JsonException)
            {
                // Fall through to the generic reading.
            }
        }

        return await ProblemReader.ReadAsync(response, cancellationToken);
    }

    private sealed record OipError(string? Error);
}
