using System.Globalization;
using Ferry.Core.Serving;
using Ferry.Storage.Serving.Log;
using Xunit;

namespace Ferry.Storage.Tests.Serving;

/// <summary>
/// An encoding started ahead (<see cref="PredictionEncoder.Prepare"/>) is what the insert of that list takes, and only
/// for the rows it was started for: a list the writer refilled since is encoded afresh.
/// </summary>
public sealed class PredictionEncoderTests
{
    [Fact]
    public async Task PreparedBatch_IsTakenForTheSameRows()
    {
        var records = Records(300, "a");
        var original = records[150].InputsJson;
        await PredictionEncoder.Prepare(records);
        // A change the prepared encoding cannot have seen: only an insert that encodes afresh would store it.
        records[150].InputsJson = """{"changed":true}""";

        var (rows, _) = await PredictionEncoder.TakeOrEncodeAsync(records);

        Assert.Equal(records.Count, rows.Length);
        Assert.All(rows.Select((row, i) => (row, i)), x => Assert.Same(records[x.i], x.row.Record));
        Assert.Equal(original, PayloadCodec.Decode(rows[150].Inputs));
        Assert.Equal(records[149].InputsJson, PayloadCodec.Decode(rows[149].Inputs));
    }

    [Fact]
    public async Task PreparedList_RefilledSince_IsEncodedAfresh()
    {
        // The writer reuses its lists: one prepared, then cleared and refilled with other records before its insert.
        var list = Records(300, "a");
        await PredictionEncoder.Prepare(list);
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
