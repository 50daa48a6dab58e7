using Ferry.Server.Artifacts;
using Ferry.Server.Hosting;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>Each feature's options: bound from its section under <c>Ferry:</c>, checked when the server starts.</summary>
public sealed class FeatureOptionsTests
{
    [Theory]
    [InlineData("Ferry:PredictionLog:Capacity", "0", "Ferry:PredictionLog:Capacity must be at least 1")]
    [InlineData("Ferry:PredictionLog:BatchSize", "200000", "Ferry:PredictionLog:BatchSize (200000) must not exceed Ferry:PredictionLog:Capacity (100000)")]
    [InlineData("Ferry:PredictionLog:FlushInterval", "00:00:00", "Ferry:PredictionLog:FlushInterval must be positive")]
    [InlineData("Ferry:PredictionLog:FullWait", "-00:00:01", "Ferry:PredictionLog:FullWait must not be negative")]
    [InlineData("Ferry:PredictionLog:DurableTimeout", "00:00:00", "Ferry:PredictionLog:DurableTimeout must be positive")]
    [InlineData("Ferry:Retention:Predictions", "00:00:00", "Ferry:Retention:Predictions must be positive")]
    [InlineData("Ferry:ModelCache:ModelMemoryBudgetBytes", "0", "Ferry:ModelCache:ModelMemoryBudgetBytes must be at least 1")]
    [InlineData("Ferry:TokenCache:Duration", "-00:00:01", "Ferry:TokenCache:Duration must not be negative")]
    [InlineData("Ferry:Profile:BucketWidth", "00:00:00.500", "Ferry:Profile:BucketWidth must be at least 1 second")]
    [InlineData("Ferry:Monitoring:ExactRowLimit", "-1", "Ferry:Monitoring:ExactRowLimit must lie in 0..50000000, not -1")]
    [InlineData("Ferry:AlertDelivery:MaxAttempts", "0", "Ferry:AlertDelivery:MaxAttempts must be at least 1")]
    [InlineData("Ferry:QualityGates:DriftWindow", "00:00:00", "Ferry:QualityGates:DriftWindow must be positive")]
    [InlineData("Ferry:ArtifactStore:MaxUploadBytes", "0", "Ferry:ArtifactStore:MaxUploadBytes must be at least 1")]
    [InlineData("Ferry:ArtifactStore:Root", "gs://bucket/prefix", "Ferry:ArtifactStore:Root: The artifact root 'gs://bucket/prefix' uses gs://")]
    [InlineData("Ferry:ArtifactStore:Root", "s3://Bad_Bucket/prefix", "Ferry:ArtifactStore:Root: The artifact root 's3://Bad_Bucket/prefix' names the bucket 'Bad_Bucket', which is not a valid S3 bucket name")]
    [InlineData("Ferry:ArtifactStore:Root", "s3://bucket/../x", "Ferry:ArtifactStore:Root: The artifact root 's3://bucket/../x' has an invalid key prefix")]
    [InlineData("Ferry:ArtifactStore:S3:PartSizeBytes", "1024", "Ferry:ArtifactStore:S3:PartSizeBytes must lie in 5242880..536870912")]
    [InlineData("Ferry:Dashboard:IdleTimeout", "00:00:00", "Ferry:Dashboard:IdleTimeout must be positive")]
    [InlineData("Ferry:Dashboard:AbsoluteLifetime", "00:10:00", "Ferry:Dashboard:AbsoluteLifetime (00:10:00) must be at least the idle timeout (00:30:00)")]
    [InlineData("Ferry:Dashboard:TouchInterval", "00:30:00", "Ferry:Dashboard:TouchInterval must be from zero to below the idle timeout")]
    [InlineData("Ferry:RateLimits:PerToken:PermitLimit", "-1", "Ferry:RateLimits:PerToken:PermitLimit must not be negative")]
    [InlineData("Ferry:RateLimits:PerEndpoint:Window", "00:00:00", "Ferry:RateLimits:PerEndpoint:Window must be above zero")]
    [InlineData("Ferry:RateLimits:SignIn:QueueLimit", "-1", "Ferry:RateLimits:SignIn:QueueLimit must not be negative")]
    [InlineData("Ferry:Https:Required", "true", "Ferry:Https:Required needs Certificate")]
    [InlineData("Ferry:Https:Certificate", "/nonexistent/ferry.pfx", "Ferry:Https:Certificate '/nonexistent/ferry.pfx' does not exist")]
    public async Task BadValue_StopsTheStart_NamingItsKey(string key, string value, string message)
    {
        using var data = new TempDirectory("ferry-options");
        await using var app = Build(data.Path, builder => builder.Configuration[key] = value);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryFeature_ReadsItsSection()
    {
        using var data = new TempDirectory("ferry-options");
        await using var app = Build(data.Path, builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ferry:PredictionLog:Capacity"] = "500",
            ["Ferry:PredictionLog:BatchSize"] = "50",
            ["Ferry:PredictionLog:FlushInterval"] = "00:00:01",
            ["Ferry:PredictionLog:FullWait"] = "00:00:00",
            ["Ferry:Retention:Predictions"] = "7.00:00:00",
            ["Ferry:ModelCache:ModelMemoryBudgetBytes"] = "123456789",
            ["Ferry:TokenCache:Duration"] = "00:00:05",
            ["Ferry:Profile:BucketWidth"] = "00:05:00",
            ["Ferry:AlertDelivery:MaxAttempts"] = "3",
            ["Ferry:ArtifactStore:MaxUploadBytes"] = "1024",
            ["Ferry:Monitoring:ExactRowLimit"] = "2500",
            ["Ferry:QualityGates:DriftWindow"] = "06:00:00",
        }));

        var log = Options<PredictionLogOptions>(app);
        Assert.Equal((500, 50, TimeSpan.FromSeconds(1), TimeSpan.Zero), (log.Capacity, log.BatchSize, log.FlushInterval, log.FullWait));
        Assert.Equal(TimeSpan.FromDays(7), Options<RetentionOptions>(app).Predictions);
        Assert.Equal(123_456_789, Options<ModelCacheOptions>(app).ModelMemoryBudgetBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), Options<TokenCacheOptions>(app).Duration);
        Assert.Equal(TimeSpan.FromMinutes(5), Options<ProfileOptions>(app).BucketWidth);
        Assert.Equal(3, Options<AlertDeliveryOptions>(app).MaxAttempts);
        Assert.Equal(2500, Options<MonitoringOptions>(app).ExactRowLimit);
        Assert.Equal(TimeSpan.FromHours(6), Options<Ferry.Server.Governance.Gates.QualityGateOptions>(app).DriftWindow);
        Assert.Equal(1024, Options<ArtifactStoreOptions>(app).MaxUploadBytes);
        Assert.Equal(500, app.Services.GetRequiredService<PredictionLog>().Capacity);
    }

    [Fact]
    public async Task EmptyValue_KeepsPredictionsForever_AndLiftsTheUploadLimit()
    {
        using var data = new TempDirectory("ferry-options");
        await using var app = Build(data.Path, builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ferry:Retention:Predictions"] = string.Empty,
            ["Ferry:ArtifactStore:MaxUploadBytes"] = string.Empty,
        }));

        Assert.Null(Options<RetentionOptions>(app).Predictions);
        Assert.Null(Options<ArtifactStoreOptions>(app).MaxUploadBytes);
    }

    [Fact]
    public async Task SettingsFileInDataDirectory_IsRead_BelowLaterSources()
    {
        using var data = new TempDirectory("ferry-options");
        await File.WriteAllTextAsync(Path.Combine(data.Path, FerryHost.SettingsFileName), """
            { "Ferry": { "PredictionLog": { "Capacity": 5000, "BatchSize": 20 }, "Retention": { "Predictions": null } } }
            """);
        await using var app = Build(data.Path, builder => builder.Configuration["Ferry:PredictionLog:BatchSize"] = "30");

        Assert.Equal(5000, Options<PredictionLogOptions>(app).Capacity);
        Assert.Equal(30, Options<PredictionLogOptions>(app).BatchSize);
        Assert.Null(Options<RetentionOptions>(app).Predictions);
    }

    [Fact]
    public async Task Services_CanSetOptions_OverConfiguration()
    {
        using var data = new TempDirectory("ferry-options");
        await using var app = Build(data.Path, builder =>
        {
            builder.Configuration["Ferry:PredictionLog:Capacity"] = "5000";
            builder.Services.Configure<PredictionLogOptions>(options => options.Capacity = 7000);
        });

        Assert.Equal(7000, Options<PredictionLogOptions>(app).Capacity);
    }

    [Fact]
    public async Task ClockGiven_IsTheServersClock()
    {
        using var data = new TempDirectory("ferry-options");
        var clock = new FixedClock(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = FerryHost.Build(Hosting(data.Path), clock);
        await using var system = FerryHost.Build(Hosting(data.Path));

        Assert.Same(clock, app.Services.GetRequiredService<TimeProvider>());
#pragma warning disable RS0030 // the assertion is that a host given no clock runs on the system clock
        Assert.Same(TimeProvider.System, system.Services.GetRequiredService<TimeProvider>());
#pragma warning restore RS0030
    }

    private static WebApplication Build(string dataDirectory, Action<WebApplicationBuilder> configure) =>
        FerryHost.Build(Hosting(dataDirectory), configure: configure);

    private static FerryServerOptions Hosting(string dataDirectory) =>
        new() { Port = 0, DataDirectory = dataDirectory, PrintAdminToken = false, LogLevel = LogLevel.Warning };

    private static T Options<T>(WebApplication app)
        where T : class => app.Services.GetRequiredService<IOptions<T>>().Value;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
