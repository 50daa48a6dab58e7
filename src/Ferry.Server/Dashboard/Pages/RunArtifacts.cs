using System.Text;
using System.Text.Json;
using Ferry.Core.Artifacts;
using Ferry.Core.Tracking;
using Ferry.Server.Endpoints.Mlflow.Artifacts;
using Microsoft.AspNetCore.StaticFiles;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// A run's artifacts: directory listings, previews (text, JSON pretty-printed, CSV as a table: the first
/// <see cref="PreviewBytes"/> bytes and <see cref="PreviewRows"/> rows, always HTML-escaped; images inline) and the
/// files themselves. Paths are relative to the run's artifact root and checked by <see cref="ArtifactPath"/>: one that
/// would leave the root is refused (400) before any store sees it. Needs READ on the run's experiment.
/// </summary>
public static class RunArtifacts
{
    /// <summary>Most bytes of a file previewed.</summary>
    public const int PreviewBytes = 64 * 1024;

    /// <summary>Most CSV rows previewed (after the header).</summary>
    public const int PreviewRows = 100;

    /// <summary>Most entries of a directory listed.</summary>
    public const int MaxEntries = 1000;

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<string> ImageTypes = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp" };
    private static readonly HashSet<string> TextTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".log", ".md", ".py", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".xml", ".html", ".htm", ".sh", ".r", ".sql", ".ipynb", ".jsonl",
    };

    private static readonly HashSet<string> TextNames = new(StringComparer.Ordinal) { "MLmodel", "requirements.txt", "conda.yaml", "python_env.yaml", "LICENSE" };

    /// <summary>The artifacts page: a directory's listing or a file's preview.</summary>
    public static async Task<IResult> PageAsync(HttpContext context, string runId, string? path, ITrackingStore tracking, IArtifactStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(store);
        var run = await RunPage.FindAsync(context, tracking, runId, cancellationToken);
        if (run is null)
        {
            return RunPage.NotFound(context, runId);
        }

        var experiment = await tracking.GetExperimentAsync(run.ExperimentId, cancellationToken);
        var crumbs = new[] { new Crumb("Experiments", DashboardLinks.Experiments), new Crumb(experiment.Name, DashboardLinks.Experiment(experiment.Id)), new Crumb(run.Name, DashboardLinks.Run(run.Id)) };
        if (!TryRelative(path, out var relative))
        {
            return Refused(context, crumbs);
        }

        var root = MlflowRunArtifactsApi.StorePathOf(run.ArtifactUri);
        if (root is not null && relative.Length > 0 && await store.GetInfoAsync(Join(root, relative), cancellationToken) is { } file)
        {
            return Layout.Page(context, Layout.Section.Experiments, Name(relative), Html.Of($"A file of run {run.Name}'s artifacts: {Size(file.Length)}, sha256 <code title=\"{file.Sha256}\">{file.Sha256[..Math.Min(12, file.Sha256.Length)]}</code>."),
                Html.Join([Trail(run.Id, relative), await PreviewAsync(run.Id, relative, Join(root, relative), file, store, cancellationToken)]), crumbs);
        }

        var listing = await ListingAsync(context, run, relative, cancellationToken);
        return Layout.Page(context, Layout.Section.Experiments, relative.Length == 0 ? "Artifacts" : Name(relative) + "/", Html.Of($"Artifacts of run {run.Name}."),
            Html.Join([Trail(run.Id, relative), listing]), crumbs);
    }

    /// <summary>One artifact file: images inline with their content type, everything else as a download.</summary>
    public static async Task<IResult> FileAsync(HttpContext context, string runId, string? path, ITrackingStore tracking, IArtifactStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(store);
        var run = await RunPage.FindAsync(context, tracking, runId, cancellationToken);
        if (run is null)
        {
            return RunPage.NotFound(context, runId);
        }

        if (!TryRelative(path, out var relative) || relative.Length == 0)
        {
            return Refused(context, []);
        }

        var root = MlflowRunArtifactsApi.StorePathOf(run.ArtifactUri);
        if (root is null || await store.GetInfoAsync(Join(root, relative), cancellationToken) is null)
        {
            return NotFoundPage.Render(context, $"Run {run.Name} has no artifact '{relative}'.");
        }

        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
        headers.CacheControl = "no-store";
        var type = ContentTypes.TryGetContentType(relative, out var known) ? known : "application/octet-stream";
        var stream = await store.OpenReadAsync(Join(root, relative), cancellationToken);
        return IsImage(relative) ? TypedResults.Stream(stream, type) : TypedResults.Stream(stream, type, Name(relative));
    }

    /// <summary>The listing of a run-relative directory, with links to its subdirectories, previews and downloads.</summary>
    internal static async Task<Html> ListingAsync(HttpContext context, Run run, string relative, CancellationToken cancellationToken)
    {
        var root = MlflowRunArtifactsApi.StorePathOf(run.ArtifactUri);
        if (root is null)
        {
            return Ui.Empty("This run's artifacts are not stored in Ferry.", Html.Of($"They are at <code>{run.ArtifactUri}</code>."));
        }

        var store = context.RequestServices.GetRequiredService<IArtifactStore>();
        var directory = ArtifactPath.NormalizeDirectory(Join(root, relative));
        var prefix = root.Length == 0 ? 0 : root.Length + 1;
        var entries = new List<ArtifactEntry>();
        await foreach (var entry in store.ListAsync(directory, false, cancellationToken))
        {
            if (entries.Count >= MaxEntries)
            {
                break;
            }

            entries.Add(entry);
        }

        if (entries.Count == 0)
        {
            return relative.Length == 0
                ? Ui.Empty("This run has no artifact.", Html.Raw("Log one: <code>mlflow.log_artifact(\"report.html\")</code>."))
                : Ui.Empty($"Nothing is stored under '{relative}'.", Html.Of($"Go back to <a href=\"{DashboardLinks.RunArtifact(run.Id, string.Empty)}\">the run's artifacts</a>."));
        }

        var rows = Html.Each(entries.OrderBy(e => e.IsDirectory ? 0 : 1).ThenBy(e => e.Path, StringComparer.Ordinal), e =>
        {
            var path = e.Path.Length > prefix ? e.Path[prefix..] : e.Path;
            return e.IsDirectory
                ? Html.Of($"<tr data-artifact=\"{path}\"><th scope=\"row\"><a href=\"{DashboardLinks.RunArtifact(run.Id, path)}\">{Name(path)}/</a></th><td>directory</td><td class=\"num\">–</td><td>–</td></tr>")
                : Html.Of($"<tr data-artifact=\"{path}\"><th scope=\"row\"><a href=\"{DashboardLinks.RunArtifact(run.Id, path)}\">{Name(path)}</a></th><td>file</td><td class=\"num\">{Size(e.Length ?? 0)}</td><td><a href=\"{DashboardLinks.RunArtifactFile(run.Id, path)}\" download>Download<span class=\"visually-hidden\"> {Name(path)}</span></a></td></tr>");
        });
        return Ui.Table(relative.Length == 0 ? "Artifacts" : $"Artifacts under {relative}",
            Html.Raw("<th scope=\"col\">Name</th><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Size</th><th scope=\"col\">Download</th>"), rows);
    }

    private static bool TryRelative(string? path, out string relative)
    {
        try
        {
            relative = ArtifactPath.NormalizeDirectory(path ?? string.Empty);
            return true;
        }
        catch (InvalidArtifactPathException)
        {
            relative = string.Empty;
            return false;
        }
    }

    private static IResult Refused(HttpContext context, Crumb[] crumbs) =>
        Layout.Page(context, StatusCodes.Status400BadRequest, Layout.Section.Experiments, "Path refused", Html.Empty,
            Html.Raw("<div class=\"error\" role=\"alert\" id=\"path-refused\"><p><strong>That path is not inside the run's artifacts.</strong></p><p>Artifact paths are relative, '/'-separated names without <code>..</code>.</p></div>"), crumbs);

    private static async Task<Html> PreviewAsync(string runId, string relative, string storePath, ArtifactInfo file, IArtifactStore store, CancellationToken cancellationToken)
    {
        var download = Html.Of($"<p><a class=\"button\" href=\"{DashboardLinks.RunArtifactFile(runId, relative)}\" download id=\"artifact-download\">Download {Name(relative)}</a></p>");
        if (IsImage(relative))
        {
            return Html.Join([Html.Of($"<p><img class=\"artifact-image\" src=\"{DashboardLinks.RunArtifactFile(runId, relative)}\" alt=\"{Name(relative)}, an artifact of this run\"></p>"), download]);
        }

        var extension = Path.GetExtension(relative);
        var isCsv = extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) || extension.Equals(".tsv", StringComparison.OrdinalIgnoreCase);
        var isJson = extension.Equals(".json", StringComparison.OrdinalIgnoreCase);
        if (!isCsv && !isJson && !TextTypes.Contains(extension) && !TextNames.Contains(Name(relative)))
        {
            return Html.Join([Ui.Empty("No preview for this kind of file.", Html.Text("Download it to open it.")), download]);
        }

        var (text, cut) = await HeadAsync(store, storePath, cancellationToken);
        var note = cut ? Html.Of($"<p class=\"hint\" id=\"preview-cut\">The first {Size(PreviewBytes)} of {Size(file.Length)}.</p>") : Html.Empty;
        if (isCsv)
        {
            return Html.Join([CsvTable(text, extension.Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',', cut), note, download]);
        }

        if (isJson && !cut)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                text = JsonSerializer.Serialize(json.RootElement, IndentedJson);
            }
            catch (JsonException)
            {
                // Not valid JSON: shown as it is.
            }
        }

        return Html.Join([note, Html.Of($"<pre class=\"log artifact-preview\" id=\"artifact-preview\" tabindex=\"0\">{text}</pre>"), download]);
    }

    private static async Task<(string Text, bool Cut)> HeadAsync(IArtifactStore store, string path, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(path, cancellationToken);
        var buffer = new byte[PreviewBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var cut = read > PreviewBytes;
        var length = Math.Min(read, PreviewBytes);
        if (cut)
        {
            // Do not split a UTF-8 sequence: back up to the start of the last character.
            while (length > 0 && (buffer[length] & 0xC0) == 0x80)
            {
                length--;
            }
        }

        return (new UTF8Encoding(false, false).GetString(buffer, 0, length), cut);
    }

    private static Html CsvTable(string text, char separator, bool cut)
    {
        var lines = text.Split('\n');
        if (cut && lines.Length > 1)
        {
            lines = lines[..^1];
        }

        var rows = lines.Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Take(PreviewRows + 1).Select(l => SplitCsv(l, separator)).ToList();
        if (rows.Count == 0)
        {
            return Ui.Empty("The file is empty.", Html.Empty);
        }

        var width = rows.Max(r => r.Count);
        var head = Html.Each(Enumerable.Range(0, width), i => Html.Of($"<th scope=\"col\">{(i < rows[0].Count ? rows[0][i] : string.Empty)}</th>"));
        var body = Html.Each(rows.Skip(1), r => Html.Of($"<tr>{Html.Each(Enumerable.Range(0, width), i => Html.Of($"<td>{(i < r.Count ? r[i] : string.Empty)}</td>"))}</tr>"));
        return Ui.Table($"The first {Math.Min(rows.Count - 1, PreviewRows)} rows", head, body);
    }

    /// <summary>One CSV line into fields (double quotes group and escape, as RFC 4180; a quoted newline is not followed).</summary>
    private static List<string> SplitCsv(string line, char separator)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static Html Trail(string runId, string relative)
    {
        var parts = relative.Length == 0 ? Array.Empty<string>() : relative.Split('/');
        var links = new List<Html> { Html.Of($"<a href=\"{DashboardLinks.RunArtifact(runId, string.Empty)}\">artifacts</a>") };
        for (var i = 0; i < parts.Length; i++)
        {
            var prefix = string.Join('/', parts[..(i + 1)]);
            links.Add(i == parts.Length - 1 ? Html.Of($"<span aria-current=\"location\">{parts[i]}</span>") : Html.Of($"<a href=\"{DashboardLinks.RunArtifact(runId, prefix)}\">{parts[i]}</a>"));
        }

        return Html.Of($"<p class=\"artifact-path\">Path: {Html.Join(links.Select((l, i) => i == 0 ? l : Html.Of($" / {l}")))}</p>");
    }

    private static bool IsImage(string path) => ImageTypes.Contains(Path.GetExtension(path));

    private static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string Join(string root, string relative) => root.Length == 0 ? relative : relative.Length == 0 ? root : root + "/" + relative;

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MiB",
    };
}
