using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage;

/// <summary>
/// EF Core logs every failed connection, command, query and save as an error with the exception's stack trace, and
/// then throws the same exception to the caller, which decides what it means (the server answers 503 and logs a
/// database outage once, the prediction log retries). Those duplicate reports are lowered to debug.
/// </summary>
public static class FailureLogging
{
    /// <summary>Lowers EF Core's own failure events to <see cref="LogLevel.Debug"/>.</summary>
    public static DbContextOptionsBuilder LeaveFailuresToCallers(this DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
    }
}
