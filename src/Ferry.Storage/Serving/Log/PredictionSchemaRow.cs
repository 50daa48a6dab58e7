namespace Ferry.Storage.Serving.Log;

/// <summary>
/// One row of <c>prediction_schemas</c>: the shape of logged inputs or outputs that typed rows of
/// <c>predictions</c> refer to by id (see <c>PayloadSchema</c>). Inserted idempotently by the log's writer.
/// </summary>
public sealed class PredictionSchemaRow
{
    /// <summary>The schema id: the first four bytes of the SHA-256 of <see cref="Structure"/>, as an unsigned number.</summary>
    public long Id { get; set; }

    /// <summary>The shape as JSON, every scalar written as <c>0</c>.</summary>
    public required string Structure { get; set; }
}
