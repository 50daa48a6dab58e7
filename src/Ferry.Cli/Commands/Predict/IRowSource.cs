namespace Ferry.Cli.Commands.Predict;

/// <summary>The rows of an input file, read forward once without holding more than a bounded part of it.</summary>
internal interface IRowSource : IAsyncDisposable
{
    /// <summary>The column names, in file order.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>How much of the input has been read, from 0 to 1 (for the progress bar).</summary>
    double Fraction { get; }

    /// <summary>The rows: one value per column (text for CSV, typed values for Parquet), each array new.</summary>
    /// <exception cref="CliException">The input is malformed (exit code 2).</exception>
    IAsyncEnumerable<object?[]> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Opens an input by its extension.</summary>
internal static class RowSources
{
    /// <summary>A CSV (<c>.csv</c>) or Parquet (<c>.parquet</c>) reader over <paramref name="file"/>.</summary>
    /// <exception cref="CliException">No such file, an unknown extension, or no header (exit code 2).</exception>
    public static async Task<IRowSource> OpenAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"no such file: {file.FullName}");
        }

        IRowSource source = file.Extension.ToUpperInvariant() switch
        {
            ".CSV" => await CsvRowSource.OpenAsync(file, cancellationToken),
            ".PARQUET" => await ParquetRowSource.OpenAsync(file, cancellationToken),
            _ => throw new CliException(ExitCodes.InvalidArguments, $"{file.Name}: expected a .csv or .parquet file"),
        };
        if (source.Columns.Count == 0)
        {
            await source.DisposeAsync();
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name} has no columns (a CSV file needs a header row)");
        }

        var duplicate = source.Columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            await source.DisposeAsync();
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name}: column '{duplicate.Key}' appears more than once");
        }

        return source;
    }
}
