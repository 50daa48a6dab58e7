namespace Ferry.Server.Hosting;

/// <summary>
/// Set once start-up has applied every migration this build knows; <c>/readyz</c> then only has to
/// check that the database still answers, instead of re-reading the migration history each probe.
/// </summary>
public sealed class DatabaseReadiness
{
    private volatile bool _migrated;

    /// <summary>True after start-up migrated the database.</summary>
    public bool IsMigrated => _migrated;

    /// <summary>Records that migrations are applied.</summary>
    public void MarkMigrated() => _migrated = true;
}
