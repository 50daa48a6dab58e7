using System.Net.Http.Headers;
using Ferry.Core.Identity;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Hosting;
using Ferry.Server.RateLimiting;
using Ferry.Server.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Ferry.Testing;

/// <summary>
/// A real Ferry server (Kestrel on 127.0.0.1 and a free port) in this process, on a fresh database.
/// Tests talk to it over real HTTP, exactly as clients do.
/// </summary>
public sealed class FerryTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _dataDirectory;
    private readonly List<HttpClient> _clients = [];

    private bool _ownsDatabase = true;

    private FerryTestServer(WebApplication app, TempDirectory dataDirectory, TestDatabase database, string adminToken, Uri address)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Database = database;
        AdminToken = adminToken;
        Address = address;
    }

    public TestDatabase Database { get; }

    public string AdminToken { get; }

    public Uri Address { get; }

    public string DataDirectory => _dataDirectory.Path;

    public IServiceProvider Services => _app.Services;

    /// <summary>The server's clock (the one it was started with, else the system's): what it stamps records with.</summary>
    public TimeProvider Clock => _app.Services.GetRequiredService<TimeProvider>();

    /// <summary>Waits until the prediction log has written everything queued so far; fails after 30 s of real time.</summary>
    public async Task WaitForPredictionLogAsync()
    {
        var bound = TimeSpan.FromSeconds(30);
        var log = _app.Services.GetRequiredService<PredictionLog>();
        var queued = log.Published;
        Assert.True(await log.WaitUntilWrittenAsync(queued, bound).WaitAsync(bound), $"the prediction log did not write the {queued} records queued so far within {bound.TotalSeconds} s");
    }

    /// <summary>Starts a server on a fresh database of <paramref name="kind"/>.</summary>
    /// <param name="kind">The database.</param>
    /// <param name="configure">Changes the hosting options.</param>
    /// <param name="services">Changes services, such as feature options: <c>services => services.Configure&lt;PredictionLogOptions&gt;(o => o.BatchSize = 10)</c>.</param>
    /// <param name="clock">The server's clock (default: the system clock).</param>
    /// <param name="host">Changes the host builder: configuration (<c>Ferry:Https:*</c>) or Kestrel's addresses.</param>
    public static async Task<FerryTestServer> StartAsync(
        DatabaseKind kind,
        Action<FerryServerOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? clock = null,
        Action<WebApplicationBuilder>? host = null) =>
        await StartWithAsync(await TestDatabase.CreateAsync(kind), TokenSecret.Generate(), configure, services, clock, host);

    /// <summary>
    /// Starts a server on <paramref name="database"/>, which the caller owns and may share with other servers (replicas
    /// of one deployment): disposing the server leaves the database alone. Give replicas the same admin token
    /// (<c>configure: o => o.AdminToken = first.AdminToken</c>), or use <see cref="StartReplicaAsync"/>.
    /// </summary>
    public static async Task<FerryTestServer> StartOnAsync(
        TestDatabase database,
        Action<FerryServerOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? clock = null,
        Action<WebApplicationBuilder>? host = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var server = await StartWithAsync(database, TokenSecret.Generate(), configure, services, clock, host);
        server._ownsDatabase = false;
        return server;
    }

    /// <summary>
    /// Starts a second replica of <paramref name="primary"/>: the same database and admin token, the primary's artifact
    /// store (<c>Ferry:ArtifactStore:Root</c> set to the primary's root unless <paramref name="host"/> sets it), its own
    /// data directory. Disposing it leaves the database to the primary.
    /// </summary>
    public static async Task<FerryTestServer> StartReplicaAsync(
        FerryTestServer primary,
        Action<FerryServerOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? clock = null,
        Action<WebApplicationBuilder>? host = null)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var root = primary.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Ferry.Server.Artifacts.ArtifactStoreOptions>>().Value.Root
            ?? Ferry.Server.Artifacts.ArtifactStoreRegistration.DefaultRoot(primary.DataDirectory);
        var replica = await StartWithAsync(primary.Database, primary.AdminToken, configure, services, clock, builder =>
        {
            builder.Configuration["Ferry:ArtifactStore:Root"] = root;
            host?.Invoke(builder);
        });
        replica._ownsDatabase = false;
        return replica;
    }

    private static async Task<FerryTestServer> StartWithAsync(
        TestDatabase database,
        string adminToken,
        Action<FerryServerOptions>? configure,
        Action<IServiceCollection>? services,
        TimeProvider? clock,
        Action<WebApplicationBuilder>? host)
    {
        var dataDirectory = new TempDirectory("ferry-data");
        var options = new FerryServerOptions
        {
            Port = 0,
            DataDirectory = dataDirectory.Path,
            Database = database.ConnectionString,
            AdminToken = adminToken,
            PrintAdminToken = false,
            LogLevel = LogLevel.Warning,
        };
        configure?.Invoke(options);
        var app = FerryHost.Build(options, clock, builder =>
        {
            // Every test signs in from 127.0.0.1 to a shared server: the sign-in limit is off unless a test sets it.
            builder.Services.Configure<RateLimitOptions>(limits => limits.SignIn.PermitLimit = 0);
            // Tests that are not about governance move champion and deploy directly: their models default to tier low
            // (no approval). Governance tests set Ferry:Governance:DefaultTier themselves through host.
            builder.Configuration["Ferry:Governance:DefaultTier"] = "low";
            host?.Invoke(builder);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        await app.Services.GetRequiredService<DatabaseReadiness>().Initialized.WaitAsync(TimeSpan.FromSeconds(60));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FerryTestServer(app, dataDirectory, database, options.AdminToken ?? adminToken, new Uri(address));
    }

    /// <summary>An HTTP client for this server, sending <paramref name="token"/> as a bearer token when given.</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>An HTTP client carrying the admin token.</summary>
    public HttpClient CreateAdminClient() => CreateClient(AdminToken);

    /// <summary>Creates a token of <paramref name="role"/> through the store and returns its secret.</summary>
    public async Task<string> CreateTokenAsync(Role role, string? name = null)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var created = await tokens.CreateAsync(name ?? $"{role.ToWireName()}-{Guid.NewGuid():N}", role, null, "test");
        return created.Secret;
    }

    /// <summary>Stops the server gracefully (hosted services stop, the prediction log drains); the database stays until disposal.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }

        _dataDirectory.Dispose();
    }
}
