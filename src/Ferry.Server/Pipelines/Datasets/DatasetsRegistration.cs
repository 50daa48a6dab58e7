namespace Ferry.Server.Pipelines.Datasets;

/// <summary>Registers the dataset builder and the loop's dataset stage.</summary>
public static class DatasetsRegistration
{
    /// <summary>Adds <see cref="DatasetBuilder"/> (scoped) and <see cref="DatasetStage"/> (an <see cref="ILoopStage"/>).</summary>
    public static IServiceCollection AddFerryDatasets(this IServiceCollection services)
    {
        services.AddScoped<DatasetBuilder>();
        services.AddScoped<ILoopStage, DatasetStage>();
        return services;
    }
}
