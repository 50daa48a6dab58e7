using Ferry.Core.Health;
using Microsoft.Data.Sqlite;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// <see cref="IDatabaseFaults"/> on SQLite: the file busy or locked past the connection's timeout (30 s by default),
/// a disk I/O error, a full disk, or a file that cannot be opened.
/// </summary>
public sealed class SqliteFaults : IDatabaseFaults
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int IoError = 10;
    private const int Full = 13;
    private const int CantOpen = 14;

    /// <inheritdoc />
    public string? Unavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException sqlite)
            {
                return sqlite.SqliteErrorCode is Busy or Locked or IoError or Full or CantOpen
                    ? $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}"
                    : null;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void ForgetConnections()
    {
        // A SQLite connection is a file handle: nothing an outage breaks stays in the pool.
    }
}
