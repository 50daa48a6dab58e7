using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Core.Oversight;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage;

/// <summary>
/// Ferry's one metadata DbContext. The same model runs on SQLite and PostgreSQL; each provider project
/// holds its own migrations. Times are <see cref="DateTimeOffset"/> in the domain; on SQLite they are
/// stored as UTC microseconds (an integer) so they sort and compare correctly in SQL.
/// </summary>
public sealed class FerryDbContext(DbContextOptions<FerryDbContext> options) : DbContext(options)
{
    /// <summary>API tokens (hashed secrets).</summary>
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    /// <summary>Dashboard sessions (hashed ids).</summary>
    public DbSet<DashboardSession> DashboardSessions => Set<DashboardSession>();

    /// <summary>Groups of principals.</summary>
    public DbSet<PrincipalGroup> Groups => Set<PrincipalGroup>();

    /// <summary>Groups' members.</summary>
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();

    /// <summary>Per-resource grants.</summary>
    public DbSet<ResourceGrant> ResourceGrants => Set<ResourceGrant>();

    /// <summary>Who owns each experiment and registered model created since grants exist.</summary>
    public DbSet<ResourceOwner> ResourceOwners => Set<ResourceOwner>();

    /// <summary>The audit chain.</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    /// <summary>Tracking: experiments.</summary>
    public DbSet<Experiment> Experiments => Set<Experiment>();

    /// <summary>Tracking: experiment tags.</summary>
    public DbSet<ExperimentTag> ExperimentTags => Set<ExperimentTag>();

    /// <summary>Tracking: runs.</summary>
    public DbSet<Run> Runs => Set<Run>();

    /// <summary>Tracking: run parameters.</summary>
    public DbSet<RunParam> RunParams => Set<RunParam>();

    /// <summary>Tracking: run tags.</summary>
    public DbSet<RunTag> RunTags => Set<RunTag>();

    /// <summary>Tracking: every logged metric value.</summary>
    public DbSet<MetricPoint> MetricPoints => Set<MetricPoint>();

    /// <summary>Tracking: the latest value per run and metric key.</summary>
    public DbSet<LatestMetric> LatestMetrics => Set<LatestMetric>();

    /// <summary>Tracking: datasets consumed by runs.</summary>
    public DbSet<RunDatasetInput> RunDatasetInputs => Set<RunDatasetInput>();

    /// <summary>Tracking: MLflow 3 logged models.</summary>
    public DbSet<LoggedModel> LoggedModels => Set<LoggedModel>();

    /// <summary>Tracking: logged models' params.</summary>
    public DbSet<LoggedModelParam> LoggedModelParams => Set<LoggedModelParam>();

    /// <summary>Tracking: logged models' tags.</summary>
    public DbSet<LoggedModelTag> LoggedModelTags => Set<LoggedModelTag>();

    /// <summary>Tracking: metric values logged with a model id.</summary>
    public DbSet<LoggedModelMetric> LoggedModelMetrics => Set<LoggedModelMetric>();

    /// <summary>Tracking: logged models runs used and produced.</summary>
    public DbSet<RunModelLink> RunModelLinks => Set<RunModelLink>();

    /// <summary>Registry: registered models.</summary>
    public DbSet<RegisteredModel> RegisteredModels => Set<RegisteredModel>();

    /// <summary>Registry: registered-model tags.</summary>
    public DbSet<RegisteredModelTag> RegisteredModelTags => Set<RegisteredModelTag>();

    /// <summary>Registry: aliases.</summary>
    public DbSet<ModelAlias> ModelAliases => Set<ModelAlias>();

    /// <summary>Registry: model versions.</summary>
    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();

    /// <summary>Registry: model-version tags.</summary>
    public DbSet<ModelVersionTag> ModelVersionTags => Set<ModelVersionTag>();

    /// <summary>Serving: endpoints.</summary>
    public DbSet<ServingEndpoint> ServingEndpoints => Set<ServingEndpoint>();

    /// <summary>Serving: traffic policy revisions.</summary>
    public DbSet<TrafficPolicy> TrafficPolicies => Set<TrafficPolicy>();

    /// <summary>Serving: routes of policy revisions.</summary>
    public DbSet<TrafficRoute> TrafficRoutes => Set<TrafficRoute>();

    /// <summary>Serving: the prediction log.</summary>
    public DbSet<PredictionRecord> Predictions => Set<PredictionRecord>();

    /// <summary>Serving: ground truth attached to predictions.</summary>
    public DbSet<PredictionFeedback> PredictionFeedback => Set<PredictionFeedback>();

    /// <summary>Oversight: human reviews of logged predictions.</summary>
    public DbSet<PredictionReview> PredictionReviews => Set<PredictionReview>();

    /// <summary>Oversight: endpoints' suspension, subject, retention and review settings.</summary>
    public DbSet<EndpointOversight> EndpointOversight => Set<EndpointOversight>();

    /// <summary>Oversight: seals over stretches of the prediction log.</summary>
    public DbSet<PredictionSeal> PredictionSeals => Set<PredictionSeal>();

    /// <summary>Monitoring: reference profiles of model versions.</summary>
    public DbSet<ReferenceProfileEntry> ReferenceProfiles => Set<ReferenceProfileEntry>();

    /// <summary>Monitoring: the full reference columns of model versions, for exact drift.</summary>
    public DbSet<ReferenceColumnEntry> ReferenceColumns => Set<ReferenceColumnEntry>();
    /// <summary>Reference build jobs.</summary>
    public DbSet<ReferenceJob> ReferenceJobs => Set<ReferenceJob>();

    /// <summary>Monitoring: per-bucket profiles of served rows.</summary>
    public DbSet<ProfileBucket> ProfileBuckets => Set<ProfileBucket>();

    /// <summary>Monitoring: monitors.</summary>
    public DbSet<MonitorDefinition> Monitors => Set<MonitorDefinition>();

    /// <summary>Monitoring: reports of monitor runs.</summary>
    public DbSet<MonitorReport> MonitorReports => Set<MonitorReport>();

    /// <summary>Monitoring: alerts.</summary>
    public DbSet<Alert> Alerts => Set<Alert>();

    /// <summary>Monitoring: webhooks alerts are posted to.</summary>
    public DbSet<AlertWebhook> AlertWebhooks => Set<AlertWebhook>();

    /// <summary>Monitoring: every webhook delivery attempt.</summary>
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    /// <summary>Governance: registry and promotion webhooks.</summary>
    public DbSet<Ferry.Core.Governance.RegistryWebhook> RegistryWebhooks => Set<Ferry.Core.Governance.RegistryWebhook>();

    /// <summary>Governance: events to post to registry webhooks.</summary>
    public DbSet<Ferry.Core.Governance.RegistryWebhookDelivery> RegistryWebhookDeliveries => Set<Ferry.Core.Governance.RegistryWebhookDelivery>();

    /// <summary>Governance: every attempt to post a registry webhook delivery.</summary>
    public DbSet<Ferry.Core.Governance.RegistryWebhookAttempt> RegistryWebhookAttempts => Set<Ferry.Core.Governance.RegistryWebhookAttempt>();

    /// <summary>Explainability: the editable fields of model cards.</summary>
    public DbSet<Ferry.Core.Explain.ModelCardEntry> ModelCards => Set<Ferry.Core.Explain.ModelCardEntry>();

    /// <summary>Governance: promotion policy revisions.</summary>
    public DbSet<Ferry.Core.Governance.PolicyRevision> PolicyRevisions => Set<Ferry.Core.Governance.PolicyRevision>();

    /// <summary>Governance: promotion requests.</summary>
    public DbSet<Ferry.Core.Governance.PromotionRequest> PromotionRequests => Set<Ferry.Core.Governance.PromotionRequest>();

    /// <summary>Governance: approvals and rejections of promotion requests.</summary>
    public DbSet<Ferry.Core.Governance.PromotionDecision> PromotionDecisions => Set<Ferry.Core.Governance.PromotionDecision>();
    /// <summary>Governance: labelled holdout datasets per registered model, for the quality gates.</summary>
    public DbSet<Ferry.Core.Governance.HoldoutDataset> HoldoutDatasets => Set<Ferry.Core.Governance.HoldoutDataset>();

    /// <summary>Closed loop: training sets materialised from the prediction log.</summary>
    public DbSet<Ferry.Core.Pipelines.TrainingDataset> TrainingDatasets => Set<Ferry.Core.Pipelines.TrainingDataset>();

    /// <summary>Closed loop: retraining pipelines.</summary>
    public DbSet<Ferry.Core.Pipelines.TrainingPipeline> Pipelines => Set<Ferry.Core.Pipelines.TrainingPipeline>();

    /// <summary>Closed loop: pipeline runs, from firing to promotion or rollback.</summary>
    public DbSet<Ferry.Core.Pipelines.PipelineRun> PipelineRuns => Set<Ferry.Core.Pipelines.PipelineRun>();

    /// <summary>Closed loop: every trigger firing, started or suppressed.</summary>
    public DbSet<Ferry.Core.Pipelines.TriggerFiring> TriggerFirings => Set<Ferry.Core.Pipelines.TriggerFiring>();

    /// <summary>Closed loop: challenger-versus-champion evaluations.</summary>
    public DbSet<Ferry.Core.Pipelines.ChallengerEvaluation> ChallengerEvaluations => Set<Ferry.Core.Pipelines.ChallengerEvaluation>();

    /// <summary>Closed loop: canary ramps.</summary>
    public DbSet<Ferry.Core.Pipelines.Rollout> Rollouts => Set<Ferry.Core.Pipelines.Rollout>();

    /// <summary>Closed loop: what happened in each ramp.</summary>
    public DbSet<Ferry.Core.Pipelines.RolloutEvent> RolloutEvents => Set<Ferry.Core.Pipelines.RolloutEvent>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        if (IsSqlite)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMicrosecondsConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcMicrosecondsConverter>();
        }
    }

    /// <summary>True when this context talks to SQLite.</summary>
    public bool IsSqlite => string.Equals(Database.ProviderName, SqliteProviderName, StringComparison.Ordinal);

    /// <summary>True when this context talks to PostgreSQL.</summary>
    public bool IsPostgreSql => string.Equals(Database.ProviderName, PostgreSqlProviderName, StringComparison.Ordinal);

    /// <summary>EF Core's provider name for SQLite.</summary>
    public const string SqliteProviderName = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>EF Core's provider name for PostgreSQL (Npgsql).</summary>
    public const string PostgreSqlProviderName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FerryDbContext).Assembly);
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                // A name a configuration gave explicitly stays (the prediction log's blob columns).
                if (property.FindAnnotation(Microsoft.EntityFrameworkCore.Metadata.RelationalAnnotationNames.ColumnName) is null)
                {
                    property.SetColumnName(SnakeCase.From(property.Name));
                }
            }
        }
    }
}
