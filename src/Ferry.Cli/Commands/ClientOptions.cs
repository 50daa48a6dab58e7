using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Cli.Settings;
using Ferry.Client;
using Ferry.Server.Hosting;

namespace Ferry.Cli.Commands;

/// <summary>
/// The options every client verb shares (<c>--server</c>, <c>--token</c>, <c>--output</c>, <c>--data-dir</c>),
/// added recursively to a command group, and the one place a <see cref="FerryClient"/> is made from them.
/// </summary>
internal sealed class ClientOptions
{
    public static readonly Uri DefaultServer = new($"http://127.0.0.1:{FerryServerOptions.DefaultPort}");

    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"The Ferry server's address [env: {FerryEnvironment.Url}] [default: {DefaultServer.OriginalString}]",
        HelpName = "url",
        Recursive = true,
    };

    // No default value factory on purpose: help would print the resolved secret.
    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"API token [env: {FerryEnvironment.Token}] [default: the contents of <data-dir>/admin.token]",
        HelpName = "token",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutput();

    public Option<string?> DataDirectory { get; } = StorageOptions.CreateDataDirectory(recursive: true);

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
        command.Options.Add(Output);
        command.Options.Add(DataDirectory);
    }

    public OutputFormat OutputOf(ParseResult parseResult) =>
        string.Equals(parseResult.GetValue(Output), "json", StringComparison.Ordinal) ? OutputFormat.Json : OutputFormat.Table;

    /// <summary>Makes a client from the options and runs <paramref name="body"/>, turning API and network failures into exit codes.</summary>
    public async Task<int> RunAsync(ParseResult parseResult, Func<FerryClient, Task<int>> body)
    {
        var server = ResolveServer(parseResult);
        var token = ResolveToken(parseResult);
        using var client = CreateClient(server, token);
        try
        {
            return await body(client);
        }
        catch (FerryApiException e)
        {
            throw new CliException(ApiErrors.ExitCodeFor(e.StatusCode), e.Message, e);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.ServerUnreachable, $"cannot reach the Ferry server at {server.OriginalString}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new CliException(ExitCodes.ServerUnreachable, $"the Ferry server at {server.OriginalString} did not answer in time", e);
        }
    }

    private static FerryClient CreateClient(Uri server, string token)
    {
        try
        {
            return new FerryClient(server, token);
        }
        catch (FormatException e)
        {
            // The message would quote the token: say what is wrong without it.
            throw new CliException(ExitCodes.InvalidArguments, "the token contains characters that cannot be sent in an HTTP header", e);
        }
    }

    private static Option<string> CreateOutput()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "How to print the result",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        output.AcceptOnlyFromAmong("table", "json");
        return output;
    }

    private Uri ResolveServer(ParseResult parseResult)
    {
        var text = parseResult.GetValue(Server) ?? FerryEnvironment.Get(FerryEnvironment.Url);
        if (text is null)
        {
            return DefaultServer;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        throw new CliException(ExitCodes.InvalidArguments, $"--server must be an http:// or https:// address, not '{text}'");
    }

    private string ResolveToken(ParseResult parseResult)
    {
        var token = parseResult.GetValue(Token) ?? FerryEnvironment.Get(FerryEnvironment.Token);
        if (token is not null)
        {
            return token.Trim();
        }

        var file = FerryServerOptions.AdminTokenFile(StorageOptions.ResolveDataDirectory(parseResult, DataDirectory));
        if (!File.Exists(file))
        {
            throw new CliException(ExitCodes.Unauthorized,
                $"no token: pass --token, set {FerryEnvironment.Token}, or point --data-dir at a directory holding admin.token (looked for {file})");
        }

        try
        {
            var secret = File.ReadAllText(file).Trim();
            return secret.Length > 0
                ? secret
                : throw new CliException(ExitCodes.Unauthorized, $"{file} is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Unauthorized, $"cannot read {file}: {e.Message}", e);
        }
    }
}
