using System.CommandLine;
using Ferry.Server.Hosting;

namespace Ferry.Cli.Settings;

/// <summary>
/// <c>--data-dir</c> and <c>--database</c>, resolved the same way by <c>ferry server</c>, the client verbs
/// (to find <c>admin.token</c>) and <c>ferry audit verify --offline</c>: option, then environment, then default.
/// </summary>
internal static class StorageOptions
{
    public static Option<string?> CreateDataDirectory(bool recursive = false) => new("--data-dir")
    {
        Description = $"Directory holding ferry.db and admin.token [env: {FerryEnvironment.DataDirectory}] [default: ~/.ferry]",
        HelpName = "path",
        Recursive = recursive,
    };

    public static Option<string?> CreateDatabase() => new("--database")
    {
        Description = $"Metadata database: a PostgreSQL connection string (Host=...) or a SQLite one (Data Source=...) [env: {FerryEnvironment.Database}] [default: SQLite at <data-dir>/ferry.db]",
        HelpName = "connection-string",
    };

    public static string ResolveDataDirectory(ParseResult parseResult, Option<string?> option)
    {
        var value = parseResult.GetValue(option)
            ?? FerryEnvironment.Get(FerryEnvironment.DataDirectory)
            ?? FerryServerOptions.DefaultDataDirectory();
        return Path.GetFullPath(value);
    }

    public static string? ResolveDatabase(ParseResult parseResult, Option<string?> option) =>
        parseResult.GetValue(option) ?? FerryEnvironment.Get(FerryEnvironment.Database);

    /// <summary>Checks the database setting the way the server will read it.</summary>
    /// <exception cref="CliException">The setting names no supported database (exit code 2).</exception>
    public static (DatabaseRegistration.Kind Kind, string ConnectionString) ResolveConnection(string? database, string dataDirectory)
    {
        try
        {
            return DatabaseRegistration.Resolve(database, dataDirectory);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.InvalidArguments, WithoutParameterName(e), e);
        }
    }

    /// <summary>An <see cref="ArgumentException"/>'s message without the " (Parameter 'x')" suffix .NET appends.</summary>
    public static string WithoutParameterName(ArgumentException e)
    {
        var suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal)
            ? e.Message[..^suffix.Length]
            : e.Message;
    }
}
