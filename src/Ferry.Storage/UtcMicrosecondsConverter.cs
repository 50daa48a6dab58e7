using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Ferry.Storage;

/// <summary>Stores a <see cref="DateTimeOffset"/> as microseconds since the Unix epoch, UTC (SQLite has no native timestamp).</summary>
public sealed class UtcMicrosecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10,
    stored => new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (stored * 10), TimeSpan.Zero));
