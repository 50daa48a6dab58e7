using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Ferry.Storage.Serving.Log;

/// <summary>
/// Maps a prediction's inputs and outputs (JSON text) to their blob column (<see cref="PayloadCodec"/>). Reading
/// decodes typed and raw blobs alike; writing through EF (an erasure's <c>{}</c>) stores raw JSON, since only the
/// log's insert path registers schemas.
/// </summary>
public sealed class PayloadConverter : ValueConverter<string, byte[]>
{
    /// <summary>Creates the converter.</summary>
    public PayloadConverter()
        : base(text => PayloadCodec.EncodeRaw(text), blob => PayloadCodec.Decode(blob))
    {
    }
}
