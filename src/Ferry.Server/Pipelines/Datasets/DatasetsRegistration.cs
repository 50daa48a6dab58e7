namespace Ferry.Server.Pipelines.Datasets;

/// <summary>Registers the dataset builder, the loop's dataset stage and the prediction log's Parquet export.</summary>
public static class DatasetsRegistration
{
    /// <summary>Adds <see cref="DatasetBuilder"/> (scoped), <see cref="DatasetStage"/> (an <see cref="ILoopStage"/>) and <see cref="Export.PredictionExporter"/> (scoped).</summary>
    public static IServiceCollection AddFerryDatasets(this IServiceCollection services)
    {
        services.AddScoped<DatasetBuilder>();
        services.AddScoped<ILoopStage, DatasetStage>();
        services.AddScoped<Export.PredictionExporter>();
        return services;
    }
}
