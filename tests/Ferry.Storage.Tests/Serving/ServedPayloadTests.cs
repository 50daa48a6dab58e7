using System.Buffers;
using System.Text;
using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Storage.Serving.Log;
using Xunit;

namespace Ferry.Storage.Tests.Serving;

/// <summary>
/// The log's typed inputs written straight from the served columns (no JSON text on the way): every value decodes to
/// exactly the text System.Text.Json's own writer makes of it (NaN and infinities as null), at the edges where a
/// double's text changes form (10^15, -0, subnormals, float32 bounds), for whole-number columns at their limits, and
/// for text that the writer escapes; and a model's answers of every shape the same way.
/// </summary>
public sealed class ServedPayloadTests
{
    private static readonly double[] Doubles =
    [
        0, -0.0, 1, -1, 0.1, 2.5, 123456.789, 999_999_999_999_999, -999_999_999_999_999, 1e15, -1e15, 1e15 + 2, 9e15,
        9_007_199_254_740_993, 1e17, 123_456_789_012_345_678, 1e20, -1e21, 1e300, -1e-300, double.Epsilon, double.MaxValue, double.MinValue, float.MaxValue,
        float.Epsilon, 16_777_217, 0.30000000000000004, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
    ];

    private static readonly string?[] Texts =
    [
        "A11", string.Empty, null, "quote\" back\\slash /", "<tag>&'amp'", "ü é 中文", "😀 grin", "\u0001\t\n\r", "\u2028\u2029", "+1",
    ];

    [Fact]
    public void EdgeValues_FromServedColumns_DecodeToTheWritersText()
    {
        var n = Doubles.Length;
        var columns = new (FeatureSpec Spec, Array Column)[]
        {
            (new("amount", FeatureKind.Number, AllowNaN: true), Doubles),
            (new("ratio", FeatureKind.Number, AllowNaN: true), Doubles.Select(d => (float)d).ToArray()),
            (new("count", FeatureKind.WholeNumber), Enumerable.Range(0, n).Select(i => (i % 5) switch { 0 => long.MinValue, 1 => long.MaxValue, 2 => 0L, 3 => -1L, _ => (long)i * 1_000_003 }).ToArray()),
            (new("small", FeatureKind.WholeNumber), Enumerable.Range(0, n).Select(i => i % 2 == 0 ? int.MinValue + i : int.MaxValue - i).ToArray()),
            (new("flag", FeatureKind.Boolean), Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray()),
            (new("kind", FeatureKind.Text), Enumerable.Range(0, n).Select(i => Texts[i % Texts.Length]).ToArray()),
            (new("naïve \"name\"", FeatureKind.Number, AllowNaN: true), Doubles.Reverse().ToArray()),
        };

        var served = Served(columns);
        for (var row = 0; row < n; row++)
        {
            var expected = Expected(columns, row);
            var blob = PayloadCodec.EncodeServed(served, row, out var schema);
            Assert.NotNull(blob);
            Assert.NotNull(schema);
            Assert.Equal(PayloadCodec.Typed, blob[0]);
            Assert.Equal(expected, PayloadCodec.Decode(blob));
            Assert.Equal(expected, served.InputsJson(row));
        }
    }

    [Fact]
    public void RandomNumbers_AtEveryMagnitude_DecodeToTheWritersText()
    {
        var random = new Random(20261207);
        const int Rows = 20_000;
        var whole = new double[Rows];
        var any = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var scale = Math.Pow(10, random.Next(0, 19));
            whole[i] = Math.Round((random.NextDouble() - 0.5) * 2 * scale);
            any[i] = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30));
        }

        var columns = new (FeatureSpec Spec, Array Column)[]
        {
            (new("whole", FeatureKind.Number), whole),
            (new("any", FeatureKind.Number), any),
            (new("any32", FeatureKind.Number), any.Select(d => (float)d).ToArray()),
        };
        var served = Served(columns);
        for (var row = 0; row < Rows; row++)
        {
            var blob = PayloadCodec.EncodeServed(served, row, out _);
            Assert.NotNull(blob);
            Assert.Equal(Expected(columns, row), PayloadCodec.Decode(blob));
        }
    }

    [Fact]
    public void TextThatIsNotValidUtf16_IsLeftToTheTextPath()
    {
        var columns = new (FeatureSpec Spec, Array Column)[] { (new("kind", FeatureKind.Text), new[] { "ok", "lone \ud800 surrogate" }) };
        var served = Served(columns);
        Assert.NotNull(PayloadCodec.EncodeServed(served, 0, out _));
        Assert.Null(PayloadCodec.EncodeServed(served, 1, out var schema));
        Assert.Null(schema);
    }

    [Fact]
    public void CreditRow_FromServedColumns_IsNoLargerThanFromItsText()
    {
        var columns = new (FeatureSpec Spec, Array Column)[]
        {
            (new("checking_status", FeatureKind.Text), new[] { "A11", "A14" }),
            (new("duration", FeatureKind.Number), new[] { 6.0, 48 }),
            (new("credit_amount", FeatureKind.Number), new[] { 1169.0, 5951 }),
            (new("installment_rate", FeatureKind.Number, AllowNaN: true), new[] { 4.0, double.NaN }),
            (new("score", FeatureKind.Number), new[] { 0.125, 0.1 }),
        };
        var served = Served(columns);
        for (var row = 0; row < 2; row++)
        {
            var direct = PayloadCodec.EncodeServed(served, row, out _)!;
            var fromText = PayloadCodec.Encode(Expected(columns, row), out _);
            Assert.Equal(fromText, direct);
        }
    }

    [Fact]
    public void Answers_OfEveryShape_DecodeToTheWritersText()
    {
        var answers = new List<RowPrediction>();
        foreach (var score in Doubles)
        {
            answers.Add(new RowPrediction("1", score, new Dictionary<string, double> { ["0"] = 1 - score, ["1"] = score }));
        }

        answers.Add(new RowPrediction(null, null, null));
        answers.Add(new RowPrediction(null, 1e15 + 2, null));
        answers.Add(new RowPrediction("refuse \"now\" <b>ü😀", null, null));
        answers.Add(new RowPrediction(string.Empty, double.NaN, new Dictionary<string, double> { ["a\tb"] = double.PositiveInfinity, ["ü"] = -0.0, ["z"] = 0.25f }));
        answers.Add(new RowPrediction("setosa", null, new Dictionary<string, double> { ["setosa"] = 0.9, ["versicolor"] = 0.07, ["virginica"] = 0.03 }));
        answers.Add(new RowPrediction("1", 0.75, new Dictionary<string, double> { ["0"] = 0.25, ["1"] = 0.75 })); // a shape seen before, after others

        foreach (var answer in answers)
        {
            var expected = Expected(answer);
            var blob = PayloadCodec.EncodeAnswer(answer, out var schema);
            Assert.NotNull(blob);
            Assert.NotNull(schema);
            Assert.Equal(PayloadCodec.Typed, blob[0]);
            Assert.Equal(expected, PayloadCodec.Decode(blob));
            Assert.Equal(expected, new PredictionRecord { EndpointName = "e", ModelName = "m", Answer = answer }.OutputsJson);
        }
    }

    [Fact]
    public void RecordWithServedValues_AndATextSetOnIt_IsStoredAsTheText()
    {
        var columns = new (FeatureSpec Spec, Array Column)[] { (new("age", FeatureKind.Number), new[] { 41.0 }) };
        var answer = new RowPrediction("1", null, null);
        var served = new PredictionRecord { EndpointName = "e", ModelName = "m", Served = Served(columns), Answer = answer };
        var overridden = new PredictionRecord { EndpointName = "e", ModelName = "m", Served = Served(columns), Answer = answer, InputsJson = "{}", OutputsJson = """{"error":"x"}""" };

        var (rows, _) = PredictionEncoder.Encode([served, overridden]);

        Assert.Equal("""{"age":41}""", PayloadCodec.Decode(rows[0].Inputs));
        Assert.Equal("""{"label":"1"}""", PayloadCodec.Decode(rows[0].Outputs));
        Assert.Equal("{}", PayloadCodec.Decode(rows[1].Inputs));
        Assert.Equal("""{"error":"x"}""", PayloadCodec.Decode(rows[1].Outputs));
    }

    private static ServedRows Served((FeatureSpec Spec, Array Column)[] columns) =>
        new(new FeatureBatch(columns[0].Column.Length, columns.ToDictionary(c => c.Spec.Name, c => c.Column)), [.. columns.Select(c => c.Spec)]);

    // An answer as System.Text.Json's writer writes it: label, score, probabilities by class (absent ones left out;
    // NaN and infinities as null).
    private static string Expected(RowPrediction answer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (answer.Label is not null)
            {
                writer.WriteString("label", answer.Label);
            }

            if (answer.Score is { } score)
            {
                writer.WritePropertyName("score");
                Number(writer, score);
            }

            if (answer.Probabilities is not null)
            {
                writer.WriteStartObject("probabilities");
                foreach (var (name, p) in answer.Probabilities)
                {
                    writer.WritePropertyName(name);
                    Number(writer, p);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void Number(Utf8JsonWriter writer, double value)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    // The row as System.Text.Json's writer writes it: numbers as doubles (NaN and infinities as null), whole numbers,
    // booleans and strings as themselves.
    private static string Expected((FeatureSpec Spec, Array Column)[] columns, int row)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (spec, column) in columns)
            {
                writer.WritePropertyName(spec.Name);
                switch (column)
                {
                    case double[] d when double.IsFinite(d[row]): writer.WriteNumberValue(d[row]); break;
                    case float[] f when float.IsFinite(f[row]): writer.WriteNumberValue((double)f[row]); break;
                    case double[] or float[]: writer.WriteNullValue(); break;
                    case long[] l: writer.WriteNumberValue(l[row]); break;
                    case int[] i: writer.WriteNumberValue(i[row]); break;
                    case bool[] b: writer.WriteBooleanValue(b[row]); break;
                    case string[] s: writer.WriteStringValue(s[row]); break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
