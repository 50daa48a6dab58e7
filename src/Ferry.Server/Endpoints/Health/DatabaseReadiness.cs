namespace Ferry.Server.Endpoints.Health;

/// <summary>
/// Start-up's progress: set once every migration this build knows is applied (<see cref="IsMigrated"/>), then once
/// the admin token and MLflow's default experiment exist (<see cref="IsReady"/>). <c>/readyz</c> answers 200 only when
/// ready, and then only has to check that the database still answers.
/// </summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _migrated;

    /// <summary>True after start-up migrated the database.</summary>
    public bool IsMigrated => _migrated;

    /// <summary>True once migrated and initialized (admin token, default experiment).</summary>
    public bool IsReady => _migrated && _initialized.Task.IsCompletedSuccessfully;

    /// <summary>Completes when the admin token and the default experiment exist (faults when creating them failed).</summary>
    public Task Initialized => _initialized.Task;

    /// <summary>Records that migrations are applied.</summary>
    public void MarkMigrated() => _migrated = true;

    /// <summary>Records that the admin token and the default experiment exist.</summary>
    public void MarkInitialized() => _initialized.TrySetResult();

    /// <summary>Records that creating them failed.</summary>
    public void MarkFailed(Exception exception) => _initialized.TrySetException(exception);
}
