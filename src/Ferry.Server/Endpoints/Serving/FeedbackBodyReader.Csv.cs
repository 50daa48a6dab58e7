using System.IO.Pipelines;
using Ferry.Core.Errors;
using Ferry.Core.Serving;

namespace Ferry.Server.Endpoints.Serving;

internal static partial class FeedbackBodyReader
{
    private static async Task<List<FeedbackItem>> ReadCsvAsync(PipeReader body, CancellationToken cancellationToken)
    {
        var reader = new FeedbackLines(body);
        var lineNumber = 0;
        FeedbackLine? headerLine;
        do
        {
            headerLine = await reader.ReadAsync(cancellationToken);
            lineNumber++;
        }
        while (headerLine is { } blank && string.IsNullOrWhiteSpace(blank.Text));

        if (headerLine is not { } header)
        {
            throw new ValidationException("body", "empty CSV: expected a header prediction_id,label or prediction_id,value");
        }

        if (header.Problem is { } headerProblem)
        {
            throw new ValidationException($"line {lineNumber}", "the header " + headerProblem);
        }

        var (idColumn, labelColumn, valueColumn, width) = ReadHeader(header.Text, lineNumber);
        var names = FeedbackCsvLine.Split(header.Text)!;
        var items = new List<FeedbackItem>();
        var errors = new Errors();
        while (!errors.Full && await reader.ReadAsync(cancellationToken) is { } read)
        {
            lineNumber++;
            var line = read.Text;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            EnsureWithinLimit(items.Count + 1);
            if (FeedbackCsvLine.Split(line) is not { } cells)
            {
                errors.Add($"line {lineNumber}", "unterminated quoted field");
                continue;
            }

            if (read.Problem is { } problem)
            {
                // The line was decoded with U+FFFD standing for its bad bytes: name the cell that holds them.
                var marker = problem == RequestText.NotUtf8 ? '\uFFFD' : '\0';
                var cell = cells.FindIndex(c => c.Contains(marker, StringComparison.Ordinal));
                errors.Add($"line {lineNumber}", cell >= 0 && cell < names.Count ? $"the {names[cell].Trim()} cell {problem}" : $"the line {problem}");
                continue;
            }

            if (cells.Count != width)
            {
                errors.Add($"line {lineNumber}", $"expected {width} fields, found {cells.Count}");
                continue;
            }

            var label = labelColumn >= 0 && cells[labelColumn].Length > 0 ? cells[labelColumn] : null;
            double? value = null;
            if (valueColumn >= 0 && cells[valueColumn].Trim() is { Length: > 0 } text)
            {
                if (!FeedbackItemValidation.TryParseValue(text, out var number))
                {
                    errors.Add($"line {lineNumber}", $"value '{text}' is not a number");
                    continue;
                }

                value = number;
            }

            if (FeedbackItemValidation.TryConvert(cells[idColumn], label, value, out var item) is { } error)
            {
                errors.Add($"line {lineNumber}", error);
            }
            else
            {
                items.Add(item);
            }
        }

        errors.ThrowIfAny();
        return items.Count > 0 ? items : throw new ValidationException("body", "the CSV has a header but no rows");
    }

    private static (int Id, int Label, int Value, int Width) ReadHeader(string line, int lineNumber)
    {
        var names = FeedbackCsvLine.Split(line) ?? throw new ValidationException($"line {lineNumber}", "unterminated quoted field in the header");
        int id = -1, label = -1, value = -1;
        for (var i = 0; i < names.Count; i++)
        {
            switch (names[i].Trim().ToLowerInvariant())
            {
                case "prediction_id" or "predictionid" when id < 0:
                    id = i;
                    break;
                case "label" when label < 0:
                    label = i;
                    break;
                case "value" when value < 0:
                    value = i;
                    break;
                default:
                    throw new ValidationException($"line {lineNumber}",
                        $"unexpected column '{names[i].Trim()}': the header is prediction_id,label or prediction_id,value");
            }
        }

        if (id < 0 || (label < 0 && value < 0))
        {
            throw new ValidationException($"line {lineNumber}", "the header must be prediction_id,label or prediction_id,value");
        }

        return (id, label, value, names.Count);
    }
}
