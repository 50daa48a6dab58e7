using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace CreditRisk.Training;

/// <summary>
/// Reads a training set that Ferry materialised from the prediction log (<c>ferry datasets build</c>, or the
/// <c>FERRY_DATASET_PATH</c> a pipeline hands its command): one row per served application with its features as
/// received and its ground truth in <c>label</c>. Rows without a label are skipped; a missing number is NaN (FastTree
/// treats it as missing), a missing text is empty.
/// </summary>
public static class DatasetRows
{
    private static readonly string[] Numeric =
        ["age", "income", "employment_years", "debt_to_income", "credit_utilization", "open_accounts", "delinquencies", "loan_amount", "term"];

    private static readonly string[] Text = ["purpose", "home_ownership", "region"];

    /// <summary>The labelled rows of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A feature or the label column is missing, or a label is not a yes/no outcome.</exception>
    public static async Task<List<LoanRow>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(path, null, cancellationToken);
        var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var name in Numeric.Concat(Text).Append("label"))
        {
            if (!fields.ContainsKey(name))
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} has no '{name}' column");
            }
        }

        var rows = new List<LoanRow>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var numbers = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var name in Numeric)
            {
                numbers[name] = await ReadNumbersAsync(group, fields[name], count, cancellationToken);
            }

            var texts = new Dictionary<string, string?[]>(StringComparer.Ordinal);
            foreach (var name in Text.Append("label"))
            {
                texts[name] = await ReadTextAsync(group, fields[name], count, cancellationToken);
            }

            for (var i = 0; i < count; i++)
            {
                if (Outcome(texts["label"][i]) is not { } outcome)
                {
                    continue;
                }

                rows.Add(new LoanRow
                {
                    Age = (float)numbers["age"][i],
                    Income = (float)numbers["income"][i],
                    EmploymentYears = (float)numbers["employment_years"][i],
                    DebtToIncome = (float)numbers["debt_to_income"][i],
                    CreditUtilization = (float)numbers["credit_utilization"][i],
                    OpenAccounts = (float)numbers["open_accounts"][i],
                    Delinquencies = (float)numbers["delinquencies"][i],
                    LoanAmount = (float)numbers["loan_amount"][i],
                    Term = (float)numbers["term"][i],
                    Purpose = texts["purpose"][i] ?? string.Empty,
                    HomeOwnership = texts["home_ownership"][i] ?? string.Empty,
                    Region = texts["region"][i] ?? string.Empty,
                    Default = outcome,
                });
            }
        }

        return rows;
    }

    /// <summary>A label as the endpoint received it, read as "defaulted": true/1/default/yes or false/0/repaid/no; null when empty.</summary>
    /// <exception cref="InvalidDataException">Anything else.</exception>
    public static bool? Outcome(string? label) => label?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "true" or "1" or "1.0" or "default" or "yes" => true,
        "false" or "0" or "0.0" or "repaid" or "no" => false,
        var other => throw new InvalidDataException($"label '{other}' is not a default/repaid outcome"),
    };

    private static async Task<double[]> ReadNumbersAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        var values = new double[count];
        if (type == typeof(double))
        {
            if (field.IsNullable)
            {
                var buffer = new double?[count];
                await group.ReadAsync<double>(field, buffer.AsMemory(), null, cancellationToken);
                for (var i = 0; i < count; i++)
                {
                    values[i] = buffer[i] ?? double.NaN;
                }
            }
            else
            {
                await group.ReadAsync<double>(field, values.AsMemory(), null, cancellationToken);
            }

            return values;
        }

        // Anything else (a text column of numbers, say) is parsed.
        var text = await ReadTextAsync(group, field, count, cancellationToken);
        for (var i = 0; i < count; i++)
        {
            values[i] = double.TryParse(text[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
        }

        return values;
    }

    private static async Task<string?[]> ReadTextAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        var values = new string?[count];
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            // Parquet.Net types text columns as ReadOnlyMemory<char>; they read into strings all the same.
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            return values;
        }

        if (type == typeof(bool))
        {
            var buffer = new bool?[count];
            await group.ReadAsync<bool>(field, buffer.AsMemory(), null, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                values[i] = buffer[i] is { } b ? (b ? "true" : "false") : null;
            }

            return values;
        }

        if (type == typeof(double))
        {
            var buffer = new double?[count];
            await group.ReadAsync<double>(field, buffer.AsMemory(), null, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                values[i] = buffer[i]?.ToString("R", CultureInfo.InvariantCulture);
            }

            return values;
        }

        throw new InvalidDataException($"column '{field.Name}' has a type ({type.Name}) the trainer cannot read");
    }
}
