using Ferry.Artifacts.S3;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Artifacts;

/// <summary>Where artifacts are stored and how large an upload may be; bound from <c>Ferry:ArtifactStore</c>.</summary>
public sealed class ArtifactStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:ArtifactStore";

    /// <summary>Where artifacts are stored, chosen by URI scheme: null for <c>file://&lt;data-dir&gt;/artifacts</c>; <c>file:///path</c> or a plain path for another directory; <c>s3://bucket/prefix</c> for an S3 bucket (see <see cref="S3"/>).</summary>
    public string? Root { get; set; }

    /// <summary>How an <c>s3://</c> root is reached (<c>Ferry:ArtifactStore:S3</c>): addressing, endpoint, part size, upload concurrency.</summary>
    public S3StoreOptions S3 { get; set; } = new();

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
            if (ArtifactStoreRegistration.IsS3(options.Root))
            {
                S3ArtifactLocation.Parse(options.Root!.Trim());
                var largest = options.S3.PartSizeBytes * S3ArtifactStore.MaxParts;
                if (options.MaxUploadBytes is null || options.MaxUploadBytes > largest)
                {
                    failures.Add($"{ArtifactStoreOptions.Section}:{nameof(options.MaxUploadBytes)} must be set, at most {largest} ({S3ArtifactStore.MaxParts} parts of {ArtifactStoreOptions.Section}:S3:{nameof(S3StoreOptions.PartSizeBytes)}), for an s3:// root");
                }
            }
            else
            {
                ArtifactStoreRegistration.ResolveDirectory(options.Root, Path.GetTempPath());
            }
        }
        catch (ArgumentException e)
        {
            var suffix = $" (Parameter '{e.ParamName}')";
            var reason = e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
            failures.Add($"{ArtifactStoreOptions.Section}:{nameof(options.Root)}: {reason}");
        }

        failures.AddRange(options.S3.Validate(ArtifactStoreOptions.Section + ":" + nameof(options.S3)));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
