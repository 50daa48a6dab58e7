using System.Globalization;

namespace Ferry.Storage.PostgreSql;

/// <summary>
/// Quartz.NET's PostgreSQL job-store schema, as Quartz 4.7.3 ships it (<c>create_postgres.sql</c>, the script its own
/// <c>ProvisionSchema()</c> runs: every statement creates only what is missing), embedded here so Ferry's migration
/// creates the tables rather than the scheduler at run time.
/// </summary>
public static class QuartzSchema
{
    /// <summary>The table prefix Ferry's scheduler uses.</summary>
    public const string TablePrefix = "qrtz_";

    /// <summary>The Quartz version the embedded script is from.</summary>
    public const string QuartzVersion = "4.7.3";

    private const string Resource = "Ferry.Storage.PostgreSql.Migrations.Sql.quartz-4.7.3-create_postgres.sql";

    /// <summary>Every table Quartz's script creates, children before parents (the order a drop needs).</summary>
    public static readonly IReadOnlyList<string> Tables =
    [
        "job_status", "misfire_history", "execution_history", "locks", "scheduler_state", "fired_triggers",
        "paused_job_grps", "paused_trigger_grps", "calendars", "blob_triggers", "simprop_triggers", "cron_triggers",
        "simple_triggers", "triggers", "job_details",
    ];

    /// <summary>Quartz's script with <see cref="TablePrefix"/> in place of its placeholders.</summary>
    public static string CreateScript()
    {
        using var stream = typeof(QuartzSchema).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The embedded resource {Resource} is missing.");
        using var reader = new StreamReader(stream);
        // '{0}' is the prefix, '{1}' the prefix without a schema qualifier (the same here).
        return reader.ReadToEnd().Replace("{0}", TablePrefix, StringComparison.Ordinal).Replace("{1}", TablePrefix, StringComparison.Ordinal);
    }

    /// <summary>Drops every Quartz table (the migration's Down).</summary>
    public static string DropScript() =>
        string.Join('\n', Tables.Select(t => string.Create(CultureInfo.InvariantCulture, $"DROP TABLE IF EXISTS {TablePrefix}{t};")));
}
