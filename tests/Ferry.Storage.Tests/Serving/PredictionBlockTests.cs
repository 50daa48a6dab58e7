using System.Globalization;
using Ferry.Core.Serving;
using Ferry.Storage.Serving.Log;
using Ferry.Testing;
using Xunit;

namespace Ferry.Storage.Tests.Serving;

/// <summary>
/// A block of logged rows gives back every field of every row exactly (ids of every kind, times out of order, every
/// optional field), stores the credit pipeline's rows in well under 150 bytes each, and refuses a damaged block with
/// <see cref="InvalidDataException"/> instead of returning wrong rows.
/// </summary>
public sealed class PredictionBlockTests
{
    [Fact]
    public void CreditRows_WithEveryKindOfField_DecodeToTheSameRecords()
    {
        var records = CreditRecords(extras: true);
        var (rows, _) = PredictionEncoder.Encode(records);
        var block = PredictionBlock.Encode(rows);

        var decoded = PredictionBlock.Decode(block, "credit", "credit-gbc", 3);

        Assert.Equal(records.Count, decoded.Length);
        for (var i = 0; i < records.Count; i++)
        {
            var (expected, actual) = (records[i], decoded[i]);
            Assert.Equal(expected.Id, actual.Id);
            Assert.Equal(expected.Timestamp, actual.Timestamp);
            Assert.Equal(expected.LatencyMicros, actual.LatencyMicros);
            Assert.Equal("credit", actual.EndpointName);
            Assert.Equal("credit-gbc", actual.ModelName);
            Assert.Equal(3, actual.ModelVersion);
            Assert.Equal(expected.InputsJson, actual.InputsJson);
            Assert.Equal(expected.OutputsJson, actual.OutputsJson);
            Assert.Equal(expected.ShadowOutputsJson, actual.ShadowOutputsJson);
            Assert.Equal(expected.SubjectHash, actual.SubjectHash);
            Assert.Equal(expected.InputDigest, actual.InputDigest);
            Assert.Equal(expected.ErasedAt, actual.ErasedAt);
            Assert.Equal(expected.ErasedReasonsJson, actual.ErasedReasonsJson);
        }
    }

    [Fact]
    public void CreditRows_AsTheRouterLogsThem_TakeUnder100BytesEach()
    {
        // 1,000 rows of test.csv with router-made ids and answers, 100 served per millisecond.
        var records = CreditRecords(extras: false);
        var (rows, _) = PredictionEncoder.Encode(records);
        var perRowText = records.Average(r => r.InputsJson.Length + r.OutputsJson.Length + 36);

        var block = PredictionBlock.Encode(rows);

        // Measured 57-60 bytes a row (the ids' 74 random bits and the probabilities do not compress); the text alone is
        // about 610 characters a row.
        Assert.True(block.Length / (double)records.Count < 100, $"{block.Length / (double)records.Count:F1} bytes a row");
        Assert.True(perRowText > 500, $"{perRowText:F0} characters a row as text");
    }

    [Fact]
    public void NoRows_IsRefused() =>
        Assert.Throws<ArgumentException>(() => PredictionBlock.Encode([]));

    [Fact]
    public void DamagedBlocks_AreRefusedAsInvalidData()
    {
        var (rows, _) = PredictionEncoder.Encode(CreditRecords(extras: true).Take(50).ToList());
        var block = PredictionBlock.Encode(rows);
        using var compressor = new ZstdSharp.Compressor(1);
        byte[] Wrapped(byte[] body) => [PredictionBlock.Zstandard, .. compressor.Wrap(body).ToArray()];
        using var decompressor = new ZstdSharp.Decompressor();
        var body = decompressor.Unwrap(block.AsSpan(1)).ToArray();

        byte[][] damaged =
        [
            [],
            [PredictionBlock.Zstandard],
            [2, .. block.AsSpan(1)],
            block[..(block.Length / 2)],
            [PredictionBlock.Zstandard, 1, 2, 3, 4, 5, 6, 7, 8],
            Wrapped([0]),
            Wrapped([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
            Wrapped([.. body, 0]),
            Wrapped(body[..^1]),
            Wrapped(body[..(body.Length / 3)]),
        ];

        foreach (var bytes in damaged)
        {
            Assert.Throws<InvalidDataException>(() => PredictionBlock.Decode(bytes, "credit", "credit-gbc", 3));
        }
    }

    // test.csv's rows as logged: inputs as the router writes them, a label and two probabilities; with extras, also
    // ids that are not version 7 or name another millisecond, times that go back, shadow answers, subjects and erasures.
    private static List<PredictionRecord> CreditRecords(bool extras)
    {
        var random = new Random(11);
        var start = 1_765_000_000_000L;
        var inputs = SharedCreditRows.WithLoggedInputs().Select(r => r.LoggedInputs).ToList();
        var records = new List<PredictionRecord>();
        for (var i = 0; i < 1000; i++)
        {
            var at = start + (i / 100) - (extras && i % 9 == 4 ? 5 : 0);
            var p = (float)random.NextDouble();
            var id = !extras ? PredictionIds.NewVersion7(at) : (i % 7) switch
            {
                0 => Guid.NewGuid(),
                1 => PredictionIds.NewVersion7(at + 1),
                _ => PredictionIds.NewVersion7(at),
            };
            var record = new PredictionRecord
            {
                Id = id,
                EndpointName = "credit",
                ModelName = "credit-gbc",
                ModelVersion = 3,
                Timestamp = at,
                Answer = new RowPrediction(p > 0.5f ? "1" : "0", null, new Dictionary<string, double> { ["0"] = 1 - p, ["1"] = p }),
                LatencyMicros = extras && i % 10 == 0 ? (long)random.Next() * 1000 : random.Next(300, 2000),
            };
            record.InputsJson = inputs[i % inputs.Count];
            if (extras)
            {
                Extras(record, i);
            }

            records.Add(record);
        }

        return records;
    }

    private static void Extras(PredictionRecord record, int i)
    {
        if (i % 13 == 0)
        {
            record.ShadowOutputsJson = "{\"credit-gbc:4\":{\"label\":\"1\",\"probabilities\":{\"0\":0.25,\"1\":0.75}},\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}";
        }

        if (i % 5 == 0)
        {
            record.SubjectHash = Convert.ToHexStringLower(BitConverter.GetBytes((long)i * 7919).Concat(new byte[24]).ToArray());
        }

        if (i % 17 == 0)
        {
            record.InputsJson = "{}";
            record.InputDigest = "sha256:" + i.ToString("x64", CultureInfo.InvariantCulture);
            record.ErasedAt = 1_765_100_000_000L + i;
            record.ErasedReasonsJson = """[{"rank":1,"feature":"income","contribution":-0.41},{"rank":2,"feature":"ü \"q\"","contribution":0.1}]""";
        }
    }
}
