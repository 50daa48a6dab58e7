using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Client;
using Ferry.Client.Artifacts;
using Ferry.Client.Models;
using Spectre.Console;

namespace Ferry.Cli.Commands.Models;

/// <summary>
/// <c>ferry models register &lt;file&gt; --name N [--run R]</c>: uploads an ONNX file or ML.NET zip through the artifact
/// proxy, creates the registered model if needed and a version whose source is the uploaded file. When the server
/// refuses the version, what this command created (the model, the file) is removed again.
/// </summary>
internal sealed class RegisterModelCommand : Command
{
    private static readonly string[] Extensions = [".onnx", ".zip"];

    private readonly Argument<FileInfo> _file = new("file") { Description = "The model: an .onnx file or an ML.NET .zip" };

    private readonly Option<string> _name = new("--name", "-n") { Description = "The registered model's name", Required = true };

    private readonly Option<string?> _run = new("--run", "-r")
    {
        Description = "The run that produced it: the file goes to the run's artifacts under model/ and the version links to the run",
        HelpName = "run-id",
    };

    public RegisterModelCommand(ClientOptions client)
        : base("register", "Upload a model file and register it as a new version.")
    {
        Arguments.Add(_file);
        Options.Add(_name);
        Options.Add(_run);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var file = CheckFile(parseResult.GetValue(_file)!);
            var name = parseResult.GetValue(_name)!;
            var runId = parseResult.GetValue(_run);
            var directory = runId is null
                ? ArtifactUris.Combine("models", name, Guid.NewGuid().ToString("N"))
                : ArtifactUris.Combine(await ferry.Artifacts.RunArtifactPathAsync(runId, cancellationToken), "model");
            var destination = ArtifactUris.Combine(directory, file.Name);

            var existed = await ferry.Registry.FindRegisteredModelAsync(name, cancellationToken) is not null;
            var source = await UploadAsync(ferry, destination, file, client.OutputOf(parseResult), cancellationToken);
            var version = await CreateVersionAsync(ferry, name, source, runId, existed, cancellationToken);
            var view = await TryGetViewAsync(ferry, name, version, cancellationToken);

            var result = new RegisteredVersion(name, version, source, runId, view?.Flavor, view?.Signature);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(result);
                return ExitCodes.Success;
            }

            CliConsole.Markup($"Registered [bold]{Markup.Escape(name)}[/] version [bold]{Markup.Escape(version)}[/] (flavor {Markup.Escape(result.Flavor ?? "unknown")}) from {Markup.Escape(source)}");
            CliConsole.Line("  inputs:  " + (result.Signature is { } s ? ModelOutput.Specs(s.Inputs) : "unknown"));
            CliConsole.Line("  outputs: " + (result.Signature is { } o ? ModelOutput.Specs(o.Outputs) : "unknown"));
            return ExitCodes.Success;
        }));
    }

    private static FileInfo CheckFile(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"no such file: {file.FullName}");
        }

        if (!Extensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name}: expected an ONNX file (.onnx) or an ML.NET model (.zip)");
        }

        if (file.Length == 0)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name} is empty");
        }

        return file;
    }

    private static async Task<string> UploadAsync(FerryClient ferry, string destination, FileInfo file, OutputFormat output, CancellationToken cancellationToken)
    {
        if (output == OutputFormat.Json || Console.IsErrorRedirected)
        {
            return await ferry.Artifacts.UploadFileAsync(destination, file.FullName, cancellationToken: cancellationToken);
        }

        // The bar goes to stderr so stdout keeps only the result.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Uploading {file.Name}", maxValue: file.Length);
                var uri = await ferry.Artifacts.UploadFileAsync(destination, file.FullName, new BarProgress(task), cancellationToken);
                task.Value = file.Length;
                return uri;
            });
    }

    private static async Task<string> CreateVersionAsync(FerryClient ferry, string name, string source, string? runId, bool existed, CancellationToken cancellationToken)
    {
        try
        {
            await ferry.Registry.CreateRegisteredModelAsync(name, cancellationToken: cancellationToken);
            return (await ferry.Registry.CreateModelVersionAsync(name, source, runId, cancellationToken: cancellationToken)).Version;
        }
        catch (FerryApiException)
        {
            await UndoAsync(ferry, name, source, existed);
            throw;
        }
    }

    private static async Task UndoAsync(FerryClient ferry, string name, string source, bool existed)
    {
        // Best effort: the refusal is what the user needs to see, not a failure to clean up.
        try
        {
            if (!existed)
            {
                await ferry.Registry.DeleteRegisteredModelAsync(name);
            }
        }
        catch (Exception e) when (e is FerryApiException or HttpRequestException)
        {
        }

        try
        {
            await ferry.Artifacts.DeleteAsync(source);
        }
        catch (Exception e) when (e is FerryApiException or HttpRequestException)
        {
        }
    }

    private static async Task<ModelVersionView?> TryGetViewAsync(FerryClient ferry, string name, string version, CancellationToken cancellationToken)
    {
        try
        {
            return await ferry.Models.GetVersionAsync(name, int.Parse(version, CultureInfo.InvariantCulture), cancellationToken);
        }
        catch (FerryApiException)
        {
            return null;
        }
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
