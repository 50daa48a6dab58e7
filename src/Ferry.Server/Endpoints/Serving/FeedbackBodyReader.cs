using System.IO.Pipelines;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Microsoft.Net.Http.Headers;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// Reads a feedback body in one of three formats, chosen by <c>Content-Type</c>: JSON (<c>{"feedback": […]}</c>),
/// JSON lines (<c>application/x-ndjson</c>, one item per line) or CSV (<c>text/csv</c>, header
/// <c>prediction_id,label</c> or <c>prediction_id,value</c>). JSON lines and CSV are read line by line as they
/// arrive, never buffered whole. Errors name the line (or JSON path) and stop after <see cref="MaxErrors"/>.
/// </summary>
internal static partial class FeedbackBodyReader
{
    /// <summary>Most items in one request.</summary>
    public const int MaxItems = 100_000;

    /// <summary>Most errors reported for one body.</summary>
    public const int MaxErrors = 10;

    /// <summary>The body's items.</summary>
    /// <exception cref="ValidationException">The body is malformed or has invalid items (each named).</exception>
    /// <exception cref="BadHttpRequestException">The content type is not one of the three (415).</exception>
    public static Task<List<FeedbackItem>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        return mediaType switch
        {
            null or "application/json" => ReadJsonAsync(request, cancellationToken),
            "application/x-ndjson" or "application/jsonl" or "application/jsonlines" or "application/json-lines" or "application/x-jsonlines"
                => ReadJsonLinesAsync(request.BodyReader, cancellationToken),
            "text/csv" => ReadCsvAsync(request.BodyReader, cancellationToken),
            _ when mediaType.EndsWith("+json", StringComparison.Ordinal) => ReadJsonAsync(request, cancellationToken),
            _ => throw new BadHttpRequestException(
                $"feedback bodies are application/json, application/x-ndjson or text/csv, not {mediaType}", StatusCodes.Status415UnsupportedMediaType),
        };
    }

    private static async Task<List<FeedbackItem>> ReadJsonAsync(HttpRequest body, CancellationToken cancellationToken)
    {
        var request = await RequestJson.DeserializeAsync(body, PredictionLogJsonContext.Default.FeedbackRequest, cancellationToken);

        if (request?.Feedback is not { Count: > 0 } feedback)
        {
            throw new ValidationException("feedback", "is required: a non-empty array of {predictionId, label | value}");
        }

        EnsureWithinLimit(feedback.Count);
        var errors = new Errors();
        var items = new List<FeedbackItem>(feedback.Count);
        for (var i = 0; i < feedback.Count && !errors.Full; i++)
        {
            if (FeedbackItemValidation.TryConvert(feedback[i], out var item) is { } error)
            {
                errors.Add($"feedback[{i}]", error);
            }
            else
            {
                items.Add(item);
            }
        }

        errors.ThrowIfAny();
        return items;
    }

    private static async Task<List<FeedbackItem>> ReadJsonLinesAsync(PipeReader body, CancellationToken cancellationToken)
    {
        var items = new List<FeedbackItem>();
        var errors = new Errors();
        var reader = new FeedbackLines(body);
        var lineNumber = 0;
        while (!errors.Full && await reader.ReadAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line.Text))
            {
                continue;
            }

            EnsureWithinLimit(items.Count + 1);
            FeedbackItemRequest? request;
            try
            {
                RequestText.CheckJson(line.Bytes);
                request = JsonSerializer.Deserialize(line.Bytes, PredictionLogJsonContext.Default.FeedbackItemRequest);
            }
            catch (JsonException e)
            {
                errors.Add($"line {lineNumber}", $"malformed JSON{Where(e)}");
                continue;
            }
            catch (ValidationException e)
            {
                var (field, why) = e.Errors.First();
                errors.Add($"line {lineNumber}", $"{field} {why[0]}");
                continue;
            }

            if (FeedbackItemValidation.TryConvert(request, out var item) is { } error)
            {
                errors.Add($"line {lineNumber}", error);
            }
            else
            {
                items.Add(item);
            }
        }

        errors.ThrowIfAny();
        return items.Count > 0 ? items : throw new ValidationException("body", "no feedback lines");
    }

    private static string Where(JsonException e) => e.BytePositionInLine is { } position ? $" at byte {position + 1}" : string.Empty;

    private static void EnsureWithinLimit(int count)
    {
        if (count > MaxItems)
        {
            throw new ValidationException("body", $"at most {MaxItems} feedback items per request; split the file");
        }
    }

    /// <summary>Errors keyed by where they are, capped at <see cref="MaxErrors"/>.</summary>
    private sealed class Errors
    {
        private readonly Dictionary<string, string[]> _errors = [];

        public bool Full => _errors.Count >= MaxErrors;

        public void Add(string where, string message) => _errors.TryAdd(where, [message]);

        public void ThrowIfAny()
        {
            if (_errors.Count > 0)
            {
                throw new ValidationException(_errors);
            }
        }
    }
}
