using Microsoft.Extensions.Options;

namespace Ferry.Server.Artifacts;

/// <summary>Where artifacts are stored and how large an upload may be; bound from <c>Ferry:ArtifactStore</c>.</summary>
public sealed class ArtifactStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:ArtifactStore";

    /// <summary>Where artifacts are stored, chosen by URI scheme: null for <c>file://&lt;data-dir&gt;/artifacts</c>; <c>file:///path</c> or a plain path for another directory (<c>s3://</c> is not supported yet).</summary>
    public string? Root { get; set; }

    /// <summary>Largest artifact upload (MLflow's <c>PUT …/mlflow-artifacts/artifacts/…</c>, the one route exempt from the server's ordinary body limit), in bytes; default 5 GiB, null for no limit.</summary>
    public long? MaxUploadBytes { get; set; } = 5L * 1024 * 1024 * 1024;
}

/// <summary>Checks <see cref="ArtifactStoreOptions"/> at start-up.</summary>
internal sealed class ArtifactStoreOptionsValidator : IValidateOptions<ArtifactStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ArtifactStoreOptions options)
    {
        var failures = new List<string>();
        if (options.MaxUploadBytes is < 1)
        {
            failures.Add($"{ArtifactStoreOptions.Section}:{nameof(options.MaxUploadBytes)} must be at least 1 (or empty for no limit), not {options.MaxUploadBytes}");
        }

        try
        {
            ArtifactStoreRegistration.ResolveDirectory(options.Root, Path.GetTempPath());
        }
        catch (ArgumentException e)
        {
            var suffix = $" (Parameter '{e.ParamName}')";
            var reason = e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
            failures.Add($"{ArtifactStoreOptions.Section}:{nameof(options.Root)}: {reason}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
