namespace Ferry.Cli.Settings;

/// <summary>The <c>FERRY_*</c> environment variables the CLI reads as fallbacks for its options.</summary>
internal static class FerryEnvironment
{
    public const string Host = "FERRY_HOST";
    public const string Port = "FERRY_PORT";
    public const string DataDirectory = "FERRY_DATA_DIR";
    public const string Database = "FERRY_DATABASE";
    public const string AdminToken = "FERRY_ADMIN_TOKEN";
    public const string LogFormat = "FERRY_LOG_FORMAT";
    public const string ArtifactRoot = "FERRY_ARTIFACT_ROOT";
    public const string Url = "FERRY_URL";
    public const string Token = "FERRY_TOKEN";

    /// <summary>The variable's value, or null when it is unset or blank.</summary>
    public static string? Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;
}
