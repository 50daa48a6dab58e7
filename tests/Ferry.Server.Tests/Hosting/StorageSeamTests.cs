using System.Reflection;
using System.Text.RegularExpressions;
using Ferry.Server.Hosting;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>
/// The seam between the server and the metadata store: Ferry.Server talks to Ferry.Core's ports only, and only its
/// composition root names Ferry.Storage; Ferry.Core stays free of EF Core and ASP.NET Core.
/// </summary>
public sealed partial class StorageSeamTests
{
    /// <summary>The only Server files that may name Ferry.Storage (paths relative to src/Ferry.Server).</summary>
    private static readonly string[] CompositionRoot =
    [
        "Hosting/DatabaseRegistration.cs",
        "Hosting/DatabaseInitializer.cs",
    ];

    private const string CompositionNamespace = "Ferry.Server.Hosting";

    [Fact]
    public void ServerSources_OutsideCompositionRoot_DoNotNameFerryStorage()
    {
        var server = Path.Combine(RepositoryRoot.Find(), "src", "Ferry.Server");
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(server, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var allowed = CompositionRoot.Contains(relative, StringComparer.Ordinal);
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                // A global using leaks into every file, so it is refused even in the composition root.
                if (GlobalUsing().IsMatch(line) || (!allowed && (Using().IsMatch(line) || Qualified().IsMatch(line))))
                {
                    offenders.Add($"{relative}:{i + 1}: {line.Trim()}");
                }
            }
        }

        var project = File.ReadAllText(Path.Combine(server, "Ferry.Server.csproj"));
        if (project.Contains("Using Include=\"Ferry.Storage", StringComparison.Ordinal))
        {
            offenders.Add("Ferry.Server.csproj: <Using Include=\"Ferry.Storage...\"> (a global using)");
        }

        Assert.True(offenders.Count == 0, "Ferry.Server must reach storage through Ferry.Core's ports; only "
            + string.Join(", ", CompositionRoot) + " may name Ferry.Storage:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void ServerTypes_OutsideHosting_HaveNoMembersOfStorageTypes()
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offenders = new List<string>();
        foreach (var type in typeof(DatabaseRegistration).Assembly.GetTypes())
        {
            if (type.Namespace is { } ns && (ns == CompositionNamespace || ns.StartsWith(CompositionNamespace + ".", StringComparison.Ordinal)))
            {
                continue;
            }

            void Check(Type? used, string where)
            {
                if (used is not null && NamesStorage(used))
                {
                    offenders.Add($"{type.FullName}: {where} uses {used}");
                }
            }

            Check(type.BaseType, "base type");
            foreach (var implemented in type.GetInterfaces())
            {
                Check(implemented, "interface");
            }

            foreach (var field in type.GetFields(All))
            {
                Check(field.FieldType, $"field {field.Name}");
            }

            foreach (var property in type.GetProperties(All))
            {
                Check(property.PropertyType, $"property {property.Name}");
            }

            foreach (var constructor in type.GetConstructors(All))
            {
                foreach (var parameter in constructor.GetParameters())
                {
                    Check(parameter.ParameterType, $"constructor parameter {parameter.Name}");
                }
            }

            foreach (var method in type.GetMethods(All))
            {
                Check(method.ReturnType, $"{method.Name}'s return type");
                foreach (var parameter in method.GetParameters())
                {
                    Check(parameter.ParameterType, $"{method.Name}'s parameter {parameter.Name}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "Only Ferry.Server.Hosting may use Ferry.Storage's types:\n" + string.Join('\n', offenders.Distinct()));
    }

    [Fact]
    public void FerryCore_ReferencesNeitherEfCoreNorAspNetCore()
    {
        var references = typeof(Ferry.Core.Audit.IAuditLog).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();
        var forbidden = references
            .Where(name => name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) || name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ToList();
        Assert.True(forbidden.Count == 0, "Ferry.Core must stay free of EF Core and ASP.NET Core; it references " + string.Join(", ", forbidden));
        Assert.Contains("Ferry.Statistics", references);
    }

    /// <summary>Whether <paramref name="type"/> or a type it is built from (element, generic argument) comes from Ferry.Storage*.</summary>
    private static bool NamesStorage(Type type)
    {
        if (type.HasElementType)
        {
            return NamesStorage(type.GetElementType()!);
        }

        if (type.IsGenericParameter)
        {
            return false;
        }

        if (type.Assembly.GetName().Name?.StartsWith("Ferry.Storage", StringComparison.Ordinal) == true)
        {
            return true;
        }

        return type.IsGenericType && type.GetGenericArguments().Any(NamesStorage);
    }


    [GeneratedRegex(@"^\s*global\s+using\s+(static\s+)?(\w+\s*=\s*)?Ferry\.Storage\b")]
    private static partial Regex GlobalUsing();

    [GeneratedRegex(@"^\s*using\s+(static\s+)?(\w+\s*=\s*)?Ferry\.Storage\b")]
    private static partial Regex Using();

    [GeneratedRegex(@"(?<![\w.])(global::)?Ferry\.Storage\.")]
    private static partial Regex Qualified();
}
