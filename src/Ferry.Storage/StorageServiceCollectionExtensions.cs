using Ferry.Core.Audit;
using Ferry.Core.Dashboard;
using Ferry.Core.Explain;
using Ferry.Core.Health;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Storage.Audit;
using Ferry.Storage.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ferry.Storage;

/// <summary>Registers the stores; a provider package (SQLite or PostgreSQL) registers the DbContext and chain lock.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds Ferry's stores behind their Ferry.Core ports.</summary>
    public static IServiceCollection AddFerryStores(this IServiceCollection services)
    {
#pragma warning disable RS0030 // composition root: the stores' default clock when the host registered none (the server registers its own first)
        services.TryAddSingleton(TimeProvider.System);
#pragma warning restore RS0030
        services.AddScoped<AuditedWriter>();
        services.AddScoped<ITokenStore, TokenStore>();
        services.AddScoped<IDashboardSessionStore, DashboardSessionStore>();
        services.AddScoped<GroupStore>();
        services.AddScoped<IGroupStore>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<Ferry.Core.Governance.IGroupDirectory>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<IGrantStore, GrantStore>();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<Ferry.Core.Tracking.ITrackingStore, Tracking.TrackingStore>();
        services.AddScoped<Ferry.Core.Tracking.ILoggedModelStore, Tracking.LoggedModelStore>();
        services.AddScoped<Ferry.Core.Registry.IRegistryStore, Registry.RegistryStore>();
        services.AddScoped<Ferry.Core.Serving.IEndpointStore, Serving.EndpointStore>();
        services.AddScoped<Monitoring.MonitoringStore>();
        services.AddScoped<IMonitorStore>(provider => provider.GetRequiredService<Monitoring.MonitoringStore>());
        services.AddScoped<IAlertStore>(provider => provider.GetRequiredService<Monitoring.MonitoringStore>());
        services.AddScoped<IWebhookStore>(provider => provider.GetRequiredService<Monitoring.MonitoringStore>());
        services.AddScoped<IReferenceProfileStore>(provider => provider.GetRequiredService<Monitoring.MonitoringStore>());
        services.AddScoped<IReferenceJobStore, Monitoring.ReferenceJobStore>();
        services.AddScoped<IProfileBucketStore, Monitoring.ProfileBucketStore>();
        services.AddScoped<IWindowPredictionStore, Monitoring.WindowPredictionStore>();
        services.AddScoped<IReferenceColumnStore, Monitoring.ReferenceColumnStore>();
        services.AddScoped<IPredictionStore, Serving.PredictionStore>();
        services.AddScoped<IPredictionExportStore, Serving.PredictionStore>();
        services.AddScoped<IFeedbackStore, Serving.FeedbackStore>();
        services.AddScoped<Ferry.Core.Oversight.IEndpointOversightStore, Oversight.EndpointOversightStore>();
        services.AddScoped<Ferry.Core.Oversight.IPredictionReviewStore, Oversight.PredictionReviewStore>();
        services.AddScoped<Ferry.Core.Oversight.IPredictionSealStore, Oversight.PredictionSealStore>();
        services.AddScoped<Ferry.Core.Oversight.ISubjectStore, Oversight.SubjectStore>();
        services.AddScoped<IModelCardStore, Explain.ModelCardStore>();
        services.AddScoped<Ferry.Core.Governance.IPolicyStore, Governance.PolicyStore>();
        services.AddScoped<Ferry.Core.Governance.IPromotionStore, Governance.PromotionStore>();
        services.AddScoped<Ferry.Core.Governance.IHoldoutDatasetStore, Governance.HoldoutDatasetStore>();
        services.AddScoped<Ferry.Core.Pipelines.ITrainingDatasetStore, Pipelines.TrainingDatasetStore>();
        services.AddScoped<Ferry.Core.Pipelines.IPipelineStore, Pipelines.PipelineStore>();
        services.AddScoped<Ferry.Core.Pipelines.IChallengerEvaluationStore, Pipelines.ChallengerEvaluationStore>();
        services.AddScoped<Ferry.Core.Pipelines.IRolloutStore, Pipelines.RolloutStore>();
        services.AddScoped<IDashboardReadModel, Dashboard.DashboardQueries>();
        services.AddScoped<IDatabaseHealth, Health.DatabaseHealth>();
        services.AddScoped<Ferry.Core.Governance.IRegistryWebhookStore, Governance.RegistryWebhookStore>();
        return services;
    }
}
