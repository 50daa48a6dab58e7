using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Ferry.Testing;

/// <summary>
/// The byte patterns a value can take in Ferry's database, for raw scans that must find personal data wherever it is:
/// its UTF-8 text, and, for a number in the prediction log's typed blobs (docs/serving/prediction-log-encoding.md), its
/// little-endian double and float32 bytes and, when integral, its zigzag varint (only when 3 bytes or longer, so a short
/// varint does not match unrelated bytes by chance).
/// </summary>
public static class StoredValuePatterns
{
    /// <summary>The binary encodings of <paramref name="value"/> (empty when it is not a number).</summary>
    public static IReadOnlyList<byte[]> Binary(string value)
    {
        var patterns = new List<byte[]>();
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return patterns;
        }

        patterns.Add(BitConverter.GetBytes(number));
        if ((double)(float)number == number)
        {
            patterns.Add(BitConverter.GetBytes((float)number));
        }

        if (number == Math.Floor(number) && Math.Abs(number) < 9e15)
        {
            var n = (long)number;
            var zigzag = (ulong)((n << 1) ^ (n >> 63));
            var varint = new List<byte>();
            while (zigzag >= 0x80)
            {
                varint.Add((byte)(zigzag | 0x80));
                zigzag >>= 7;
            }

            varint.Add((byte)zigzag);
            if (varint.Count >= 3)
            {
                patterns.Add([.. varint]);
            }
        }

        return patterns;
    }

    /// <summary>The UTF-8 text of <paramref name="value"/>.</summary>
    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    /// <summary>
    /// Whether any row's <paramref name="column"/> of <paramref name="table"/> holds one of <paramref name="value"/>'s
    /// <see cref="Binary"/> encodings as a byte substring (a blob column on either database).
    /// </summary>
    public static async Task<bool> AnyBinaryInAsync(DbConnection connection, bool postgres, string table, string column, string value)
    {
        ArgumentNullException.ThrowIfNull(connection);
        foreach (var pattern in Binary(value))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = postgres
                ? $"SELECT COUNT(*) FROM \"{table}\" WHERE position(@v in \"{column}\") > 0"
                : $"SELECT COUNT(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS BLOB), @v) > 0";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@v";
            parameter.Value = pattern;
            command.Parameters.Add(parameter);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0)
            {
                return true;
            }
        }

        return false;
    }
}
