using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Cli.Commands.Ship;

/// <summary>What <c>ferry ship</c> was given as its model: a local file or MLflow model directory, or a model already on the server.</summary>
internal abstract record ShipSource
{
    /// <summary>The prefix of a run's model URI (<c>runs:/&lt;run-id&gt;/&lt;path&gt;</c>).</summary>
    public const string RunsScheme = "runs:/";

    /// <summary>The prefix of a registered version's URI (<c>models:/&lt;name&gt;/&lt;version&gt;</c>).</summary>
    public const string ModelsScheme = "models:/";

    private static readonly string[] FileExtensions = [".onnx", ".zip"];

    /// <summary>How the source reads in messages.</summary>
    public abstract string Display { get; }

    /// <summary>Reads the command's argument, checking what can be checked without the server.</summary>
    /// <exception cref="CliException">No such file, an unsupported file, or a malformed URI (exit code 2).</exception>
    public static ShipSource Parse(string argument)
    {
        if (argument.StartsWith(RunsScheme, StringComparison.Ordinal))
        {
            var rest = argument[RunsScheme.Length..].TrimStart('/');
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"'{argument}': a run URI reads runs:/<run-id>/<path>, e.g. runs:/0a1b2c/model");
            }

            return new RunModel(rest[..slash], rest[(slash + 1)..].Trim('/'));
        }

        if (argument.StartsWith(ModelsScheme, StringComparison.Ordinal))
        {
            var parts = argument[ModelsScheme.Length..].Trim('/').Split('/');
            if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"'{argument}': a registered model URI reads models:/<name>/<version>, e.g. models:/credit/3");
            }

            return new RegisteredModel(parts[0], version);
        }

        if (Directory.Exists(argument))
        {
            return FromDirectory(new DirectoryInfo(argument));
        }

        var file = new FileInfo(argument);
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"no such file or directory: {file.FullName}");
        }

        if (string.Equals(file.Name, "MLmodel", StringComparison.Ordinal))
        {
            return FromDirectory(file.Directory!);
        }

        if (!FileExtensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name}: expected an ONNX file (.onnx), an ML.NET model (.zip) or an MLflow model directory");
        }

        if (file.Length == 0)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name} is empty");
        }

        return new LocalFile(file, Sha256(file));
    }

    /// <summary>The lower-case hex SHA-256 of a file's bytes.</summary>
    public static string Sha256(FileInfo file)
    {
        using var stream = file.OpenRead();
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static LocalDirectory FromDirectory(DirectoryInfo directory)
    {
        if (!File.Exists(Path.Combine(directory.FullName, "MLmodel")))
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{directory.FullName} is a directory without an MLmodel file: give an .onnx file or an MLflow model directory");
        }

        var files = directory.EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => !f.Attributes.HasFlag(FileAttributes.ReparsePoint))
            .Select(f => (Relative: Path.GetRelativePath(directory.FullName, f.FullName).Replace('\\', '/'), File: f))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();

        // The directory's digest covers every file's path and content, so renaming or changing any file is a new version.
        var digest = new StringBuilder();
        foreach (var (relative, file) in files)
        {
            digest.Append(relative).Append('\0').Append(Sha256(file)).Append('\n');
        }

        return new LocalDirectory(directory, [.. files.Select(f => (f.Relative, f.File))],
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(digest.ToString()))));
    }

    /// <summary>An <c>.onnx</c> or ML.NET <c>.zip</c> file.</summary>
    public sealed record LocalFile(FileInfo File, string Sha) : ShipSource
    {
        /// <inheritdoc />
        public override string Display => File.Name;
    }

    /// <summary>An MLflow model directory (with an <c>MLmodel</c> file) and its files.</summary>
    public sealed record LocalDirectory(DirectoryInfo Directory, IReadOnlyList<(string Relative, FileInfo File)> Files, string Sha) : ShipSource
    {
        /// <inheritdoc />
        public override string Display => Directory.Name + "/";
    }

    /// <summary>A model logged under a run's artifacts.</summary>
    public sealed record RunModel(string RunId, string Path) : ShipSource
    {
        /// <inheritdoc />
        public override string Display => $"{RunsScheme}{RunId}/{Path}";
    }

    /// <summary>A version already in the registry.</summary>
    public sealed record RegisteredModel(string Name, int Version) : ShipSource
    {
        /// <inheritdoc />
        public override string Display => string.Create(CultureInfo.InvariantCulture, $"{ModelsScheme}{Name}/{Version}");
    }
}
