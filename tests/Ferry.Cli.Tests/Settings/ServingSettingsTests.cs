using System.CommandLine;
using Ferry.Cli.Settings;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Server.Artifacts;
using Ferry.Server.Hosting;
using Ferry.Server.Serving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ferry.Cli.Tests.Settings;

/// <summary><c>ferry server</c>'s serving limits: units, environment fallbacks, refusals and the feature options they land in.</summary>
public sealed class ServingSettingsTests
{
    [Theory]
    [InlineData("12", 12L)]
    [InlineData("12B", 12L)]
    [InlineData("1000KB", 1_000_000L)]
    [InlineData("1KiB", 1024L)]
    [InlineData("512MiB", 512L * 1024 * 1024)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("3 gb", 3_000_000_000L)]
    [InlineData("1TiB", 1L << 40)]
    public void Sizes_AreRead_WithBinaryAndDecimalUnits(string text, long bytes) =>
        Assert.Equal(bytes, Quantities.ParseSize(text));

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1.5GiB")]
    [InlineData("2 parsecs")]
    [InlineData("9999999999999TiB")]
    public void SizesThatAreNotSizes_AreRefused(string text) => Assert.Null(Quantities.ParseSize(text));

    [Theory]
    [InlineData("0ms", 0)]
    [InlineData("200ms", 200)]
    [InlineData("5s", 5_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("30d", 2_592_000_000)]
    public void Durations_AreRead_WithTheirUnit(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Quantities.ParseDuration(text));

    [Theory]
    [InlineData("5")]
    [InlineData("1w")]
    [InlineData("-5s")]
    [InlineData("soon")]
    public void DurationsWithoutKnownUnit_AreRefused(string text) => Assert.Null(Quantities.ParseDuration(text));

    [Fact]
    public void Options_LandInFeatureOptionsConfiguration()
    {
        var settings = Apply("--model-memory-budget", "256MiB", "--prediction-log-capacity", "500", "--prediction-log-batch-size", "50",
            "--prediction-log-flush-interval", "1s", "--prediction-log-full-wait", "0ms", "--prediction-retention", "7d", "--artifact-max-size", "unlimited");

        Assert.Equal("268435456", settings["Ferry:ModelCache:ModelMemoryBudgetBytes"]);
        Assert.Equal("500", settings["Ferry:PredictionLog:Capacity"]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Assert.Equal(256L << 20, Bind<ModelCacheOptions>(configuration, ModelCacheOptions.Section).ModelMemoryBudgetBytes);
        var log = Bind<PredictionLogOptions>(configuration, PredictionLogOptions.Section);
        Assert.Equal(500, log.Capacity);
        Assert.Equal(50, log.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), log.FlushInterval);
        Assert.Equal(TimeSpan.Zero, log.FullWait);
        Assert.Equal(TimeSpan.FromDays(7), Bind<RetentionOptions>(configuration, RetentionOptions.Section).Predictions);
        Assert.Null(Bind<ArtifactStoreOptions>(configuration, ArtifactStoreOptions.Section).MaxUploadBytes);
    }

    [Fact]
    public void WithoutOptions_NothingIsSet_AndDefaultsStay()
    {
        var settings = Apply();

        Assert.Empty(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Assert.Equal(new ModelCacheOptions().ModelMemoryBudgetBytes, Bind<ModelCacheOptions>(configuration, ModelCacheOptions.Section).ModelMemoryBudgetBytes);
        Assert.Equal(new PredictionLogOptions().Capacity, Bind<PredictionLogOptions>(configuration, PredictionLogOptions.Section).Capacity);
        Assert.Equal(new RetentionOptions().Predictions, Bind<RetentionOptions>(configuration, RetentionOptions.Section).Predictions);
        Assert.Equal(new ArtifactStoreOptions().MaxUploadBytes, Bind<ArtifactStoreOptions>(configuration, ArtifactStoreOptions.Section).MaxUploadBytes);
    }

    [Fact]
    public void Forever_KeepsPredictions_WithoutLimit()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Apply("--prediction-retention", "forever")).Build();

        Assert.Null(Bind<RetentionOptions>(configuration, RetentionOptions.Section).Predictions);
    }

    [Fact]
    public void EnvironmentStyleKeys_BindToTheSameOptions()
    {
        // What FERRY__PREDICTIONLOG__CAPACITY becomes: keys are case-insensitive and "__" separates sections.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FERRY:PREDICTIONLOG:CAPACITY"] = "250",
            ["FERRY:RETENTION:PREDICTIONS"] = "",
        }).Build();

        Assert.Equal(250, Bind<PredictionLogOptions>(configuration, PredictionLogOptions.Section).Capacity);
        Assert.Null(Bind<RetentionOptions>(configuration, RetentionOptions.Section).Predictions);
    }

    [Theory]
    [InlineData("--prediction-log-capacity", "0")]
    [InlineData("--prediction-log-batch-size", "many")]
    [InlineData("--prediction-log-flush-interval", "0ms")]
    [InlineData("--prediction-retention", "soon")]
    [InlineData("--model-memory-budget", "0")]
    [InlineData("--artifact-max-size", "big")]
    public void MalformedValues_AreRefused_NamingTheOption(string option, string value)
    {
        var error = Assert.Throws<CliException>(() => Apply(option, value));

        Assert.Equal(ExitCodes.InvalidArguments, error.ExitCode);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchLargerThanBuffer_IsRefused()
    {
        var error = Assert.Throws<CliException>(() => Apply("--prediction-log-capacity", "10", "--prediction-log-batch-size", "11"));

        Assert.Contains("--prediction-log-batch-size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_ReadsThemFromEnvironment_AndRefusesABadOne()
    {
        using var dataDirectory = new TempDirectory("badenv");

        var result = await FerryCli.RunAsync(["server", "--data-dir", dataDirectory.Path, "--port", "0"],
            new Dictionary<string, string> { ["FERRY_PREDICTION_RETENTION"] = "a while" });

        CliAssert.FailedWithOneLine(result, ExitCodes.InvalidArguments, "FERRY_PREDICTION_RETENTION", "a while");
    }

    [Fact]
    public async Task Server_RefusesBadFeatureOption_FromAFerryVariable()
    {
        using var dataDirectory = new TempDirectory("badsection");

        var result = await FerryCli.RunAsync(["server", "--data-dir", dataDirectory.Path, "--port", "0"],
            new Dictionary<string, string> { ["FERRY__PREDICTIONLOG__CAPACITY"] = "0" });

        CliAssert.FailedWithOneLine(result, ExitCodes.InvalidArguments, "Ferry:PredictionLog:Capacity must be at least 1");
    }

    [Fact]
    public async Task Server_RefusesBadFeatureOption_FromTheSettingsFile()
    {
        using var dataDirectory = new TempDirectory("badfile");
        await File.WriteAllTextAsync(Path.Combine(dataDirectory.Path, FerryHost.SettingsFileName), """{ "Ferry": { "AlertDelivery": { "MaxAttempts": 0 } } }""");

        var result = await FerryCli.RunAsync(["server", "--data-dir", dataDirectory.Path, "--port", "0"]);

        CliAssert.FailedWithOneLine(result, ExitCodes.InvalidArguments, "Ferry:AlertDelivery:MaxAttempts must be at least 1");
    }

    [Fact]
    public async Task ModelMemoryBudget_ReachesModelCache()
    {
        using var dataDirectory = new TempDirectory("budget");
        var options = new FerryServerOptions { DataDirectory = dataDirectory.Path, Port = 0, PrintAdminToken = false };
        var settings = Apply("--model-memory-budget", "123456789");

        await using var app = FerryHost.Build(options, configure: builder => builder.Configuration.AddInMemoryCollection(settings));

        Assert.Equal(123_456_789, app.Services.GetRequiredService<IOptions<ModelCacheOptions>>().Value.ModelMemoryBudgetBytes);
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new() => configuration.GetSection(section).Get<T>() ?? new T();

    private static Dictionary<string, string?> Apply(params string[] args)
    {
        var settings = new ServingSettings();
        var command = new RootCommand();
        settings.AddTo(command);
        var parsed = command.Parse(args);
        Assert.Empty(parsed.Errors);
        return settings.Read(parsed);
    }
}

/// <summary><c>ferry server</c>'s HTTPS and rate-limit options and the configuration keys they set.</summary>
public sealed class SecuritySettingsTests
{
    [Fact]
    public void HttpsAndRateLimitOptions_LandInTheirSections()
    {
        var settings = Apply("--https-certificate", "/etc/ferry/cert.pem", "--https-certificate-key", "/etc/ferry/key.pem",
            "--require-https", "--rate-limit-per-token", "100/1s", "--rate-limit-per-endpoint", "5000/1m");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var https = configuration.GetSection(HttpsOptions.Section).Get<HttpsOptions>()!;
        Assert.Equal(("/etc/ferry/cert.pem", "/etc/ferry/key.pem", true), (https.Certificate, https.CertificateKey, https.Required));
        var limits = configuration.GetSection(Ferry.Server.RateLimiting.RateLimitOptions.Section).Get<Ferry.Server.RateLimiting.RateLimitOptions>()!;
        Assert.Equal((100, TimeSpan.FromSeconds(1)), (limits.PerToken.PermitLimit, limits.PerToken.Window));
        Assert.Equal((5000, TimeSpan.FromMinutes(1)), (limits.PerEndpoint.PermitLimit, limits.PerEndpoint.Window));
        Assert.Empty(Apply());
    }

    [Theory]
    [InlineData("100")]
    [InlineData("0/1s")]
    [InlineData("ten/1s")]
    [InlineData("100/soon")]
    public void MalformedRateLimit_IsRefused_NamingTheOption(string value)
    {
        var error = Assert.Throws<CliException>(() => Apply("--rate-limit-per-token", value));

        Assert.Equal(ExitCodes.InvalidArguments, error.ExitCode);
        Assert.Contains("--rate-limit-per-token", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Apply(params string[] args)
    {
        var settings = new SecuritySettings();
        var command = new RootCommand();
        settings.AddTo(command);
        var parsed = command.Parse(args);
        Assert.Empty(parsed.Errors);
        return settings.Read(parsed);
    }
}
