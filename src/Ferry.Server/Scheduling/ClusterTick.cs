namespace Ferry.Server.Scheduling;

/// <summary>
/// A periodic pass that must run once across replicas: on PostgreSQL a clustered Quartz job (<see cref="ClusterTickJob"/>)
/// calls <see cref="RunAsync"/> every <see cref="Interval"/>; on SQLite the owning background service's loop calls the
/// same method.
/// </summary>
/// <param name="Name">The job's name (Quartz group <see cref="ClusterTickSchedules.Group"/>).</param>
/// <param name="Interval">How often it runs, from the feature's options; null when the feature is off (nothing is scheduled).</param>
/// <param name="RunAsync">One pass, with the application's services.</param>
public sealed record ClusterTick(string Name, Func<IServiceProvider, TimeSpan?> Interval, Func<IServiceProvider, CancellationToken, Task> RunAsync);
