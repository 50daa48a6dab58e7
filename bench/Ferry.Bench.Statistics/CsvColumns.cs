using System.Globalization;
using Ferry.Statistics.Profiles;

namespace Ferry.Bench.Statistics;

/// <summary>
/// Reads bench/monitoring's CSV into columns: a column is numeric when every non-empty cell of the file parses as a
/// number, categorical otherwise; an empty cell is missing (NaN / null). No quoting (the generator writes none).
/// </summary>
internal static class CsvColumns
{
    public static ReferenceColumnData[] Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty.")).Split(',');
        var cells = header.Select(_ => new List<string>()).ToArray();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var parts = line.Split(',');
            if (parts.Length != header.Length)
            {
                throw new InvalidDataException($"{path}: a row has {parts.Length} cells, the header {header.Length}.");
            }

            for (var i = 0; i < parts.Length; i++)
            {
                cells[i].Add(parts[i]);
            }
        }

        var columns = new ReferenceColumnData[header.Length];
        for (var i = 0; i < header.Length; i++)
        {
            var values = cells[i];
            var numbers = new double[values.Count];
            var numeric = true;
            for (var row = 0; row < values.Count; row++)
            {
                if (values[row].Length == 0)
                {
                    numbers[row] = double.NaN;
                }
                else if (!double.TryParse(values[row], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[row]))
                {
                    numeric = false;
                    break;
                }
            }

            columns[i] = numeric
                ? new ReferenceColumnData(header[i], ColumnKind.Numeric, numbers, null)
                : new ReferenceColumnData(header[i], ColumnKind.Categorical, null, [.. values.Select(v => v.Length == 0 ? null : v)]);
        }

        return columns;
    }
}
