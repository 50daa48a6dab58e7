using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Ferry.Server.Tests.Fuzz;

/// <summary>
/// Walks every route the server has (its own OpenAPI document, plus the route table for what the document leaves
/// out: MLflow, OIP and the dashboard) with an admin token, sending bad input: malformed JSON, wrong types,
/// invalid UTF-8, NUL, a body over the limit, thousands of nested brackets, traversal in paths, empty bodies, odd
/// query strings and odd <c>Accept</c> headers. No answer may be a 5xx, and every request must get an answer.
/// </summary>
public abstract class RouteFuzzTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    /// <summary>Marks where <see cref="BadBytesTests.WithBytes"/> puts invalid UTF-8.</summary>
    private const string Bad = "@@BAD@@";

    private static readonly string[] OddAccepts =
        ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html", "image/*", "*/*;q=0", "garbage;;==,,"];

    /// <summary>Values for a route's parameters: traversal (raw and encoded), backslashes, absolute paths, bad bytes, odd lengths.</summary>
    private static readonly string[] OddSegments =
        ["..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd", "../../etc/passwd", "..\\..\\windows", "%2Fetc%2Fpasswd", "%FF%FE", "%C3%28", "a%5Cb", new string('n', 600), "%20"];

    private const string OddQuery =
        "?name=%FF&experiment_id=%00&run_id=..%2F..&path=..%2F..%2Fetc%2Fpasswd&max_results=-1&limit=abc&after=%C3%28&page_token=%27%22&filter=name%3D%27x&version=-1&from=yesterday&reasons=999999&samples=-5&includeRevoked=maybe&returnUrl=%2F%2Fevil.example";

    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task EveryRoute_BadInput_NeverAnswers5xx()
    {
        var model = "fuzz-" + Guid.NewGuid().ToString("N")[..12];
        var version = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_pipeline.onnx");
        await ServingTestKit.DeployAsync(Server, model, new { model, version, weight = 100 });
        var routes = await RoutesAsync();
        Assert.True(routes.Count >= 60, $"only {routes.Count} routes found: the walk is not seeing the route table");

        using var api = NewClient(Server.AdminToken);
        using var browser = NewClient(token: null);
        await SignInAsync(browser);
        var huge = new byte[(17 * 1024 * 1024) + 1];
        Array.Fill(huge, (byte)' ');
        var failures = new List<string>();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var tooLarge = 0;
        var closed = 0;

        foreach (var route in routes)
        {
            var client = route.Template.StartsWith("/ui", StringComparison.Ordinal) ? browser : api;
            var path = Fill(route.Template, model, version);
            var sent = 0;
            async Task<HttpStatusCode?> SendAsync(string what, string target, HttpContent? content = null, string? accept = null, bool expectContinue = false)
            {
                sent++;
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), RawUri(target)) { Content = content };
                if (accept is not null)
                {
                    request.Headers.TryAddWithoutValidation("Accept", accept);
                }

                request.Headers.ExpectContinue = expectContinue;
                try
                {
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    // MLflow's multipart-upload routes answer 501 NOT_IMPLEMENTED on purpose: the client then falls back to one PUT.
                    if ((int)response.StatusCode >= 500 && !(response.StatusCode == HttpStatusCode.NotImplemented && route.Template.Contains("/mpu/", StringComparison.Ordinal)))
                    {
                        failures.Add($"{route.Method} {target} [{what}] -> {(int)response.StatusCode}: {Excerpt(body)}");
                    }

                    return response.StatusCode;
                }
                catch (HttpRequestException) when (expectContinue)
                {
                    // A route that takes no body answers without reading it and closes the connection while the client
                    // is still sending 17 MiB; the server did answer, the client just could not read it.
                    closed++;
                    return null;
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{route.Method} {target} [{what}] -> no answer: {e.Message}");
                    return null;
                }
            }

            await SendAsync("plain", path);
            await SendAsync("odd query", path + OddQuery);
            foreach (var accept in OddAccepts)
            {
                await SendAsync($"accept {accept}", path + "?limit=abc", Json("{\"a\":"), accept);
            }

            foreach (var segment in route.Parameters.Count > 0 ? OddSegments : [])
            {
                await SendAsync($"parameter {segment[..Math.Min(segment.Length, 20)]}", Fill(route.Template, model, version, segment));
            }

            if (route.Method is "POST" or "PUT" or "PATCH")
            {
                foreach (var (what, body) in Bodies(model))
                {
                    await SendAsync(what, path, Json(body));
                }

                await SendAsync("empty, no content type", path, new ByteArrayContent([]));
                await SendAsync("csv with bad bytes", path, Content(BadBytesTests.WithBytes($"prediction_id,label\n{Guid.CreateVersion7()},{Bad}\n"), "text/csv"));
                await SendAsync("ndjson with NUL", path, Content(Encoding.UTF8.GetBytes($"{{\"predictionId\":\"{Guid.CreateVersion7()}\",\"label\":\"a\\u0000\"}}\n"), "application/x-ndjson"));
                await SendAsync("form with bad bytes", path, Content(BadBytesTests.WithBytes($"token={Bad}%FF%00&returnUrl=%2F%2Fevil"), "application/x-www-form-urlencoded"));
                var status = await SendAsync("over the body limit", path, Content(huge, "application/json"), expectContinue: true);
                tooLarge += status == HttpStatusCode.RequestEntityTooLarge ? 1 : 0;
            }

            counts[$"{route.Method} {route.Template}"] = sent;
        }

        foreach (var (route, count) in counts)
        {
            output.WriteLine($"{count,4}  {route}");
        }

        output.WriteLine($"{counts.Values.Sum()} requests over {counts.Count} routes ({Server.Database.Kind}); {tooLarge} bodies over the limit answered 413, {closed} were cut off by a route that reads no body");
        Assert.True(failures.Count == 0, $"{failures.Count} answers were 5xx or missing:\n{string.Join('\n', failures.Take(40))}");
        Assert.True(tooLarge >= 10, $"only {tooLarge} routes answered 413 to a body over the limit");
    }

    /// <summary>Bodies sent to every route that takes one; field names are the ones Ferry's and MLflow's routes read.</summary>
    private static IEnumerable<(string What, byte[] Body)> Bodies(string model)
    {
        string Sink(string text, string number) =>
            $$"""
            {"name": {{text}}, "new_name": {{text}}, "experiment_id": {{text}}, "run_id": {{text}}, "key": {{text}}, "value": {{text}},
             "description": {{text}}, "source": {{text}}, "run_name": {{text}}, "alias": {{text}}, "version": {{text}}, "stage": {{text}},
             "tags": [{"key": {{text}}, "value": {{text}}}], "params": [{"key": {{text}}, "value": {{text}}}], "role": {{text}}, "url": {{text}},
             "endpoint": {{text}}, "positiveLabel": {{text}}, "owner": {{text}}, "filter": {{text}}, "max_results": {{number}},
             "records": [{"age": {{number}}, "income": {{number}}, "open_accounts": {{number}}, "purpose": {{text}}}],
             "dataframe_records": [{"purpose": {{text}}}], "dataframe_split": {"columns": [{{text}}], "data": [[{{text}}]]},
             "instances": [[{{text}}]], "inputs": [{"name": "purpose", "shape": [1], "datatype": "BYTES", "data": [{{text}}]}],
             "routes": [{"model": {{text}}, "version": {{number}}}], "feedback": [{"predictionId": {{text}}, "label": {{text}}}],
             "maxBatchSize": {{number}}, "maxDelayMicros": {{number}}, "rows": [{"purpose": {{text}}}]}
            """;

        yield return ("malformed JSON", Encoding.UTF8.GetBytes("{\"name\": \"x\", \"records\": [{\"age\": }"));
        yield return ("trailing garbage", Encoding.UTF8.GetBytes("{\"name\": \"x\"} {"));
        yield return ("empty JSON", []);
        yield return ("array", Encoding.UTF8.GetBytes("[1, 2, 3]"));
        yield return ("string", Encoding.UTF8.GetBytes("\"text\""));
        yield return ("null", Encoding.UTF8.GetBytes("null"));
        yield return ("wrong types", Encoding.UTF8.GetBytes(Sink("{\"nested\": [true]}", "\"twelve\"")));
        yield return ("numbers for text", Encoding.UTF8.GetBytes(Sink("1e400", "-1e400")));
        yield return ("plausible", Encoding.UTF8.GetBytes(Sink($"\"{model}\"", "1")));
        yield return ("invalid UTF-8", BadBytesTests.WithBytes(Sink($"\"{Bad}\"", "1")));
        yield return ("invalid UTF-8 member name", BadBytesTests.WithBytes($"{{\"name{Bad}\": 1, \"records\": [{{\"pur{Bad}\": 1}}]}}"));
        yield return ("lone surrogate", Encoding.UTF8.GetBytes(Sink("\"\\udc00x\"", "1")));
        yield return ("NUL", Encoding.UTF8.GetBytes(Sink("\"a\\u0000b\"", "0")));
        yield return ("raw NUL byte", Encoding.UTF8.GetBytes(Sink("\"a\0b\"", "0")));
        yield return ("deeply nested arrays", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)));
        yield return ("deeply nested records", Encoding.UTF8.GetBytes("{\"records\": " + new string('[', 3000) + new string(']', 3000) + "}"));
    }

    private async Task SignInAsync(HttpClient browser)
    {
        using var form = new FormUrlEncodedContent([new("token", Server.AdminToken)]);
        using var response = await browser.PostAsync("/ui/signin", form);
        Assert.True((int)response.StatusCode < 500, $"signing in answered {(int)response.StatusCode}");
    }

    /// <summary>Every (method, template) pair: the OpenAPI document's, then the route table's that the document lacks.</summary>
    private async Task<List<Route>> RoutesAsync()
    {
        using var anonymous = NewClient(token: null);
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));
        var routes = new Dictionary<string, Route>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                Add(routes, new Route(operation.Name.ToUpperInvariant(), path.Name, Parameters(path.Name)));
            }
        }

        var fromDocument = routes.Count;
        var sources = Server.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var template = Template(endpoint.RoutePattern);
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                Add(routes, new Route(method, template, Parameters(template)));
            }
        }

        output.WriteLine($"{fromDocument} routes from /openapi/v1.json, {routes.Count - fromDocument} more from the route table");
        // Ferry's own routes first and deletions last, so the seeded model and endpoint serve the walk for as long as possible.
        return [.. routes.Values.OrderBy(Stage).ThenBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];
    }

    private static int Stage(Route route) =>
        route.Method == "DELETE" ? 2 : route.Template.Contains("/mlflow", StringComparison.Ordinal) ? 1 : 0;

    private static void Add(Dictionary<string, Route> routes, Route route) => routes.TryAdd($"{route.Method} {route.Template}", route);

    private static List<string> Parameters(string template) =>
        [.. template.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1])];

    /// <summary>A pattern as <c>/a/{name}/b/{path}</c> (constraints and catch-all markers dropped), as the OpenAPI document writes it.</summary>
    private static string Template(RoutePattern pattern)
    {
        var builder = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            builder.Append('/');
            foreach (var part in segment.Parts)
            {
                builder.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
                    _ => string.Empty,
                });
            }
        }

        return builder.Length == 0 ? "/" : builder.ToString();
    }

    /// <summary>The template with real values (the seeded model and endpoint share a name), or <paramref name="odd"/> in every parameter.</summary>
    private static string Fill(string template, string model, int version, string? odd = null)
    {
        var parts = template.Split('/').Select(segment => !(segment.StartsWith('{') && segment.EndsWith('}')) ? segment : odd ?? segment[1..^1] switch
        {
            "name" => model,
            "version" => version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "id" => Guid.CreateVersion7().ToString(),
            "documentName" => "v1",
            "path" => "fuzz/run/artifacts/model.onnx",
            _ => "sample",
        });
        return string.Join('/', parts);
    }

    /// <summary>The request URI exactly as written: no dot-segment removal, no backslash rewriting.</summary>
    private Uri RawUri(string target) =>
        new(Server.Address.GetLeftPart(UriPartial.Authority) + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private HttpClient NewClient(string? token)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer(), Expect100ContinueTimeout = TimeSpan.FromSeconds(5) };
        var client = new HttpClient(handler) { BaseAddress = Server.Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static ByteArrayContent Json(string json) => Json(Encoding.UTF8.GetBytes(json));

    private static ByteArrayContent Json(byte[] body) => Content(body, "application/json");

    private static ByteArrayContent Content(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static string Excerpt(string body) => body.Length <= 300 ? body : body[..300] + "…";

    private sealed record Route(string Method, string Template, List<string> Parameters);
}

public sealed class SqliteRouteFuzzTests(SqliteServerFixture fixture, ITestOutputHelper output) : RouteFuzzTests<SqliteServerFixture>(fixture, output);

public sealed class PostgresRouteFuzzTests(PostgresServerFixture fixture, ITestOutputHelper output) : RouteFuzzTests<PostgresServerFixture>(fixture, output);
