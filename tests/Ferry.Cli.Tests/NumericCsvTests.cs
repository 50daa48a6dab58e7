using System.Globalization;
using System.Text;
using Ferry.Cli.Commands.Monitoring;
using Ferry.Cli.Tests.Infrastructure;

namespace Ferry.Cli.Tests;

/// <summary>
/// <see cref="NumericCsv"/>, the parallel reader of <c>ferry drift</c>: every number bit for bit as
/// <see cref="double.Parse(string, IFormatProvider)"/> gives it, every chunk boundary, and a refusal (so the robust
/// reader takes over) for whatever it does not read exactly.
/// </summary>
public sealed class NumericCsvTests
{
    public static TheoryData<string> Numbers() =>
    [
        "0", "-0", "+0", "1", "-1", "+1.5", "123.4567", "-50.0001", "0.1", "0.3", "2.675", ".5", "-.5", "5.", "007.25",
        "9007199254740992", "9007199254740993", "123456789012345678", "1234567890123456789", "12345678901234567890",
        "0.0000000000000000000001", "0.00000000000000000000001", "1.2345678901234567", "4503599627370497.5",
        "1e5", "1E-300", "-2.5e+10", "1.7976931348623157e308", "4.9e-324", "1e400", "NaN", "Infinity", "-Infinity",
        " 1", "1 ", "", "-", "+", ".", "1.2.3", "1e", "abc", "1,5", "0x10", "--1", "1-",
    ];

    [Theory]
    [MemberData(nameof(Numbers))]
    public void NumericCsv_TryParseNumber_EqualsDoubleTryParse(string text)
    {
        var expectedOk = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);

        var ok = NumericCsv.TryParseNumber(Encoding.UTF8.GetBytes(text), out var value);

        Assert.Equal(expectedOk, ok);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
    }

    /// <summary>The texts above that fit in one field, and the edges of the 8-bytes-at-a-time path (7 and 8 digits per part).</summary>
    public static TheoryData<string> FieldTexts()
    {
        var texts = new TheoryData<string>();
        foreach (string text in Numbers())
        {
            if (!text.Contains(',', StringComparison.Ordinal))
            {
                texts.Add(text);
            }
        }

        foreach (var text in new[]
        {
            "1234567", "12345678", "-1234567", "+1234567", "1234567.1234567", "1234567.12345678", "12345678.1", "-1234567.1234567",
            "0.0000001", "00000000.1", "0000000.0000000", "9.9999999", "9999999.9999999", "+.5", "5.e", "1.5e", "1.5 ", "7\t",
        })
        {
            texts.Add(text);
        }

        return texts;
    }

    [Theory]
    [MemberData(nameof(FieldTexts))]
    public void NumericCsv_FieldAnywhereInARecord_ReadAsDoubleTryParse(string text)
    {
        using var files = new TempDirectory("numeric-csv");
        var path = files.Combine("data.csv");
        // First, middle and last in a record, before \n and before \r\n, with long records after it so the read-ahead
        // of the fast path runs, and as the file's last bytes so it does not.
        const string Filler = "1234567.1234567,-0.5,3\n";
        File.WriteAllText(path, $"a,b,c\n{text},1,{text}\n7,{text},8\r\n{Filler}{Filler}{Filler}9,9,{text}");
        var expectedOk = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);

        var (numbers, rows) = NumericCsv.TryRead(path, 3, [0, 1, 2])!.Value;

        Assert.Equal(6, rows);
        if (!expectedOk && text.Length > 0)
        {
            Assert.All(numbers, Assert.Null);
            return;
        }

        var want = text.Length == 0 ? double.NaN : expected;
        foreach (var (column, row) in new[] { (0, 0), (2, 0), (1, 1), (2, 5) })
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(want), BitConverter.DoubleToInt64Bits(numbers[column]![row]));
        }

        Assert.Equal(1234567.1234567, numbers[0]![2]);
        Assert.Equal(-0.5, numbers[1]![3]);
    }

    [Fact]
    public void NumericCsv_TryParseNumber_RandomDecimals_EqualDoubleParse()
    {
        var random = new Random(15);
        for (var i = 0; i < 200_000; i++)
        {
            var decimals = random.Next(0, 18);
            var magnitude = Math.Pow(10, random.Next(-6, 16));
            var text = ((random.NextDouble() - 0.5) * magnitude).ToString("F" + decimals, CultureInfo.InvariantCulture);
            var expected = double.Parse(text, CultureInfo.InvariantCulture);

            Assert.True(NumericCsv.TryParseNumber(Encoding.UTF8.GetBytes(text), out var value), text);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{text}: {value:R} where double.Parse gives {expected:R}");
        }
    }

    [Theory]
    [InlineData("\n", true)]
    [InlineData("\r\n", true)]
    [InlineData("\n", false)]
    [InlineData("\r\n", false)]
    public void NumericCsv_ChunkBoundaryAnywhere_ReadsEveryRecordAsDoubleParse(string lineEnd, bool finalLineEnd)
    {
        using var files = new TempDirectory("numeric-csv");
        var path = files.Combine("data.csv");
        var random = new Random(5);
        var rows = new List<string[]>();
        for (var i = 0; i < 300; i++)
        {
            rows.Add([
                Math.Round((random.NextDouble() - 0.5) * 1000, 4).ToString(CultureInfo.InvariantCulture),
                i % 11 == 0 ? string.Empty : "+" + random.Next(0, 100).ToString(CultureInfo.InvariantCulture),
                i % 13 == 0 ? "1.5e-3" : (random.NextDouble() * 1e-5).ToString("R", CultureInfo.InvariantCulture),
                "skipped",
            ]);
        }

        var body = string.Join(lineEnd, rows.Select(r => string.Join(',', r)));
        File.WriteAllText(path, "a,b,c,d" + lineEnd + body + (finalLineEnd ? lineEnd : string.Empty));

        // From one chunk to one byte per chunk, so boundaries fall everywhere, mid-number and between \r and \n.
        foreach (var chunkBytes in new[] { 1, 2, 3, 7, 64, 1000, 1 << 20 })
        {
            var read = NumericCsv.TryRead(path, 4, [2, 0, 1], chunkBytes);

            Assert.NotNull(read);
            var (numbers, count) = read.Value;
            Assert.Equal(rows.Count, count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(Expected(rows[i][2]), numbers[0]![i]);
                Assert.Equal(Expected(rows[i][0]), numbers[1]![i]);
                Assert.Equal(Expected(rows[i][1]), numbers[2]![i]);
            }
        }
    }

    [Fact]
    public void NumericCsv_TextColumn_IsNullAndNumbersStay()
    {
        using var files = new TempDirectory("numeric-csv");
        var path = files.Combine("data.csv");
        File.WriteAllText(path, "x,kind\n1.5,a\n2,b\n,c\n");

        var (numbers, rows) = NumericCsv.TryRead(path, 2, [0, 1], 3)!.Value;

        Assert.Equal(3, rows);
        Assert.Equal([1.5, 2, double.NaN], numbers[0]!);
        Assert.Null(numbers[1]);
    }

    [Theory]
    [InlineData("x,y\n1,\"2,5\"\n3,4\n")]
    [InlineData("\"x\",y\n1,2\n")]
    [InlineData("x,y\n1,2\n3\n")]
    [InlineData("x,y\n1,2,3\n")]
    [InlineData("x,y\n1,2\n\n3,4\n")]
    [InlineData("x,y")]
    public void NumericCsv_QuotesRaggedOrBlankRecords_Refused(string content)
    {
        using var files = new TempDirectory("numeric-csv");
        var path = files.Combine("data.csv");
        File.WriteAllText(path, content);

        Assert.Null(NumericCsv.TryRead(path, 2, [0, 1], 2));
    }

    [Fact]
    public void NumericCsv_HeaderOnly_ReadsNoRows()
    {
        using var files = new TempDirectory("numeric-csv");
        var path = files.Combine("data.csv");
        File.WriteAllText(path, "x,y\n");

        var (numbers, rows) = NumericCsv.TryRead(path, 2, [0, 1])!.Value;

        Assert.Equal(0, rows);
        Assert.Empty(numbers[0]!);
    }

    [Fact]
    public async Task TableFile_QuotedFields_ReadByTheRobustReaderWithTheSameNumbers()
    {
        using var files = new TempDirectory("numeric-csv");
        var quoted = files.Combine("quoted.csv");
        var plain = files.Combine("plain.csv");
        File.WriteAllText(quoted, "x,\"note, with comma\"\r\n1.25,\"a, b\"\r\n-3,c\r\n,\"d\"\r\n");
        File.WriteAllText(plain, "x,note\r\n1.25,a\r\n-3,c\r\n,d\r\n");

        var fromQuoted = await TableFile.ReadAsync(new FileInfo(quoted), new HashSet<string>(), CancellationToken.None);
        var fromPlain = await TableFile.ReadAsync(new FileInfo(plain), new HashSet<string>(), CancellationToken.None);

        Assert.Equal([1.25, -3, double.NaN], fromQuoted.Columns["x"].Numbers!);
        Assert.Equal(fromQuoted.Columns["x"].Numbers, fromPlain.Columns["x"].Numbers);
        Assert.Equal<string?>(["a, b", "c", "d"], fromQuoted.Columns["note, with comma"].Categories!.AsEnumerable());
        Assert.Equal<string?>(["a", "c", "d"], fromPlain.Columns["note"].Categories!.AsEnumerable());
    }

    private static double Expected(string cell) => cell.Length == 0 ? double.NaN : double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
}
