using System.Reflection;
using System.Security.Cryptography;

namespace Ferry.Server.Dashboard;

/// <summary>The dashboard's stylesheet, embedded in the assembly and served with a content hash as its ETag.</summary>
public static class DashboardAssets
{
    private static readonly Lazy<(byte[] Bytes, string ETag)> Css = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Ferry.Server.Dashboard.Assets.ferry.css")
            ?? throw new InvalidOperationException("The dashboard stylesheet is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
    });

    /// <summary>Serves the stylesheet.</summary>
    public static IResult Stylesheet(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (bytes, etag) = Css.Value;
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "public, max-age=3600";
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(bytes, "text/css; charset=utf-8");
    }
}
