using System.Globalization;
using Ferry.Core.Serving;
using Ferry.Storage.Serving.Log;
using Xunit;

namespace Ferry.Storage.Tests.Serving;

/// <summary>
/// A batch encoded in parts on several threads gives the same blobs, in the same order, as one thread; an encoding
/// started ahead (<see cref="PredictionEncoder.Prepare"/>) is used only for the rows it was started for, so a list
/// the writer refilled since is encoded afresh.
/// </summary>
public sealed class PredictionEncoderTests
{
    [Fact]
    public async Task LargeBatch_EncodedInParts_IsTheSameAsOnOneThread()
    {
        var records = Records(1_000, "a");

        var (parallel, parallelSchemas) = await PredictionEncoder.EncodeAsync(records);
        var (serial, serialSchemas) = PredictionEncoder.Encode(records);

        Assert.Equal(serial.Length, parallel.Length);
        for (var i = 0; i < serial.Length; i++)
        {
            Assert.Same(records[i], parallel[i].Record);
            Assert.Equal(serial[i].Inputs, parallel[i].Inputs);
            Assert.Equal(serial[i].Outputs, parallel[i].Outputs);
        }

        Assert.Equal(serialSchemas.Keys.Order(), parallelSchemas.Keys.Order());
    }

    [Fact]
    public async Task PreparedBatch_IsTakenForTheSameRows()
    {
        var records = Records(300, "a");
        PredictionEncoder.Prepare(records);

        var (rows, _) = await PredictionEncoder.TakeOrEncodeAsync(records);

        Assert.Equal(records.Count, rows.Length);
        Assert.All(rows.Select((row, i) => (row, i)), x => Assert.Same(records[x.i], x.row.Record));
        Assert.All(rows, row => Assert.Equal(row.Record.InputsJson, PayloadCodec.Decode(row.Inputs)));
    }

    [Fact]
    public async Task PreparedList_RefilledSince_IsEncodedAfresh()
    {
        // The writer reuses its lists: one prepared, then cleared and refilled with other records before its insert.
        var list = Records(300, "a");
        PredictionEncoder.Prepare(list);
        list.Clear();
        list.AddRange(Records(300, "b"));

        var (rows, _) = await PredictionEncoder.TakeOrEncodeAsync(list);

        Assert.Equal(300, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Same(list[i], rows[i].Record);
            Assert.Equal(list[i].InputsJson, PayloadCodec.Decode(rows[i].Inputs));
        }
    }

    private static List<PredictionRecord> Records(int count, string tag) =>
    [
        .. Enumerable.Range(0, count).Select(i => new PredictionRecord
        {
            Id = Guid.CreateVersion7(),
            EndpointName = "e",
            ModelName = "m",
            ModelVersion = 1,
            Timestamp = 1_765_000_000_000L + i,
            InputsJson = string.Create(CultureInfo.InvariantCulture, $$"""{"tag":"{{tag}}","x":{{i}},"y":{{i * 0.25}}}"""),
            OutputsJson = string.Create(CultureInfo.InvariantCulture, $$"""{"label":"{{i % 2}}"}"""),
        }),
    ];
}
