using System.Text.RegularExpressions;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>
/// The folders of src/Ferry.Server form no cycle, and nothing depends on Hosting (the composition root). Each top-level
/// folder is a node (<c>Endpoints/X</c> is its own node; files directly in <c>Endpoints/</c> are the node
/// <c>Endpoints</c>); a file depends on every folder whose namespace it names: <c>using Ferry.Server.X…</c>,
/// <c>Ferry.Server.X.Type</c>, its own <c>namespace</c> line, or a name qualified from <c>Ferry.Server</c>
/// (<c>Explain.Explainers</c>). Comments and string literals are ignored.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private const string CompositionRoot = "Hosting";

    [Fact]
    public void Hosting_IsDependedOnByNoFolder()
    {
        var graph = FolderGraph.Read(SourceRoot());

        var offenders = graph.Edges
            .Where(edge => edge.To == CompositionRoot && edge.From != CompositionRoot)
            .Select(edge => $"{edge.From} -> {CompositionRoot} ({string.Join(", ", edge.Files)})")
            .ToList();

        Assert.True(offenders.Count == 0, "Hosting is the composition root; nothing may depend on it:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Folders_FormNoCycle()
    {
        var graph = FolderGraph.Read(SourceRoot());

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, "Folder cycles in src/Ferry.Server:\n" + string.Join("\n", cycles.Select(graph.Describe)));
    }

    [Fact]
    public void Graph_SeesEveryWayOfNamingAFolder()
    {
        HashSet<string> namespaces = ["Ferry.Server.Explain", "Ferry.Server.Hosting", "Ferry.Server.Identity", "Ferry.Server.Monitoring", "Ferry.Server.Endpoints",
            "Ferry.Server.Endpoints.Health", "Ferry.Server.Endpoints.Mlflow", "Ferry.Server.Endpoints.Mlflow.Artifacts", "Ferry.Server.Artifacts"];

        Assert.Equal(["Identity"], FolderGraph.Referenced("using Ferry.Server.Identity;", "Serving", namespaces));
        Assert.Equal(["Endpoints"], FolderGraph.Referenced("using Ferry.Server.Endpoints;", "Serving", namespaces));
        Assert.Equal(["Endpoints/Health"], FolderGraph.Referenced("var x = new global::Ferry.Server.Endpoints.Health.HealthStatus();", "Serving", namespaces));
        Assert.Equal(["Hosting"], FolderGraph.Referenced("namespace Ferry.Server.Hosting;\nclass ModelCacheRegistration;", "Serving", namespaces));
        Assert.Equal(["Explain"], FolderGraph.Referenced("namespace Ferry.Server.Monitoring;\nservices.AddSingleton<Explain.Explainers>();", "Monitoring", namespaces));
        Assert.Equal(["Hosting"], FolderGraph.Referenced("namespace Ferry.Server.Endpoints.Health;\nTask Ready(Hosting.DatabaseReadiness readiness);", "Endpoints/Health", namespaces));

        // A nearer namespace wins, as in C#; comments, strings and other assemblies' namespaces name nothing.
        Assert.Empty(FolderGraph.Referenced("namespace Ferry.Server.Endpoints.Mlflow;\nvar u = Artifacts.ArtifactUpload.Name;", "Endpoints/Mlflow", namespaces));
        Assert.Empty(FolderGraph.Referenced("// Ferry.Server.Hosting\nvar s = \"Ferry.Server.Identity\"; var e = result.Errors.Count;", "Serving", namespaces));
        Assert.Empty(FolderGraph.Referenced("namespace Ferry.Server.Serving;\nusing Ferry.Core.Monitoring; var k = Ferry.Explain.Shap.KernelShap.Name;", "Serving", namespaces));
    }

    [Fact]
    public void Graph_IsReadFromTheSources()
    {
        var graph = FolderGraph.Read(SourceRoot());

        Assert.Contains("Endpoints/Mlflow", graph.Nodes);
        Assert.Contains(graph.Edges, edge => edge is { From: "Hosting", To: "Serving" });
        Assert.Contains(graph.Edges, edge => edge is { From: "Endpoints/Serving", To: "Errors" });
    }

    /// <summary>src/Ferry.Server, found from the test's output folder by walking up to the folder holding Ferry.slnx.</summary>
    private static string SourceRoot() => Path.Combine(RepositoryRoot.Find(), "src", "Ferry.Server");

    private sealed record Edge(string From, string To, IReadOnlyList<string> Files);

    private sealed partial class FolderGraph(IReadOnlyList<string> nodes, IReadOnlyList<Edge> edges)
    {
        private const string Root = "Ferry.Server";

        public IReadOnlyList<string> Nodes => nodes;

        public IReadOnlyList<Edge> Edges => edges;

        public static FolderGraph Read(string root)
        {
            var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .Select(file => (Relative: Path.GetRelativePath(root, file).Replace('\\', '/'), Source: File.ReadAllText(file)))
                .Where(file => file.Relative.Contains('/', StringComparison.Ordinal) && !file.Relative.StartsWith("bin/", StringComparison.Ordinal) && !file.Relative.StartsWith("obj/", StringComparison.Ordinal))
                .ToList();
            var namespaces = files.SelectMany(file => Declared().Matches(file.Source).Select(match => match.Groups["name"].Value)).ToHashSet(StringComparer.Ordinal);
            var found = new Dictionary<(string From, string To), SortedSet<string>>();
            var nodes = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (relative, source) in files)
            {
                var parts = relative.Split('/');
                var node = parts[0] == "Endpoints" && parts.Length > 2 ? $"Endpoints/{parts[1]}" : parts[0];
                nodes.Add(node);
                foreach (var target in Referenced(source, node, namespaces))
                {
                    if (!found.TryGetValue((node, target), out var names))
                    {
                        found[(node, target)] = names = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    names.Add(relative);
                }
            }

            return new FolderGraph([.. nodes], [.. found.Select(pair => new Edge(pair.Key.From, pair.Key.To, [.. pair.Value]))]);
        }

        /// <summary>
        /// The other folders one source file names. A qualified name that does not start with <c>Ferry.Server</c> is
        /// resolved as C# does: from the file's namespace outwards, to the first namespace in
        /// <paramref name="namespaces"/> that holds it.
        /// </summary>
        public static IReadOnlyList<string> Referenced(string source, string node, IReadOnlySet<string> namespaces)
        {
            var code = CommentsAndStrings().Replace(source, " ");
            var targets = new SortedSet<string>(StringComparer.Ordinal);
            foreach (Match match in FullyQualified().Matches(code))
            {
                AddNode(targets, match.Groups["name"].Value, namespaces);
            }

            var own = Declared().Match(code) is { Success: true } declared ? declared.Groups["name"].Value : Root;
            foreach (Match match in Qualified().Matches(code))
            {
                var name = match.Groups["name"].Value;
                if (name.StartsWith("Ferry.", StringComparison.Ordinal) || name.StartsWith("global::", StringComparison.Ordinal))
                {
                    continue;
                }

                for (var scope = own; scope.Length > 0; scope = scope.LastIndexOf('.') is var dot and > 0 ? scope[..dot] : string.Empty)
                {
                    if (IsNamespace(namespaces, $"{scope}.{name.Split('.')[0]}"))
                    {
                        AddNode(targets, $"{scope}.{name}", namespaces);
                        break;
                    }
                }
            }

            targets.Remove(node);
            return [.. targets];
        }

        /// <summary>Every elementary cycle's nodes (each cycle once, starting from its smallest node).</summary>
        public List<IReadOnlyList<string>> Cycles()
        {
            var next = edges.GroupBy(edge => edge.From).ToDictionary(group => group.Key, group => group.Select(edge => edge.To).Order(StringComparer.Ordinal).ToList());
            var cycles = new List<IReadOnlyList<string>>();
            foreach (var start in nodes)
            {
                // Cycles through start whose other nodes all sort after it: each cycle is found once.
                var path = new List<string> { start };
                Walk(start);

                void Walk(string at)
                {
                    foreach (var to in next.GetValueOrDefault(at) ?? [])
                    {
                        if (to == start)
                        {
                            cycles.Add([.. path]);
                        }
                        else if (string.CompareOrdinal(to, start) > 0 && !path.Contains(to))
                        {
                            path.Add(to);
                            Walk(to);
                            path.RemoveAt(path.Count - 1);
                        }
                    }
                }
            }

            return cycles;
        }

        /// <summary><c>A -> B -> A</c>, then each step with the files that make it.</summary>
        public string Describe(IReadOnlyList<string> cycle)
        {
            var steps = cycle.Select((from, i) =>
            {
                var to = cycle[(i + 1) % cycle.Count];
                var edge = edges.Single(e => e.From == from && e.To == to);
                return $"  {from} -> {to}: {string.Join(", ", edge.Files)}";
            });
            return string.Join(" -> ", cycle.Append(cycle[0])) + "\n" + string.Join("\n", steps);
        }

        private static bool IsNamespace(IReadOnlySet<string> namespaces, string name) =>
            namespaces.Any(declared => declared == name || declared.StartsWith(name + ".", StringComparison.Ordinal));

        // Ferry.Server.X... -> X, or Endpoints/Y for Ferry.Server.Endpoints.Y... where Y is a namespace (not a type).
        private static void AddNode(SortedSet<string> targets, string qualified, IReadOnlySet<string> namespaces)
        {
            var parts = qualified.Split('.');
            if (parts.Length < 3 || parts[0] != "Ferry" || parts[1] != "Server")
            {
                return;
            }

            targets.Add(parts[2] == "Endpoints" && parts.Length > 3 && IsNamespace(namespaces, $"{Root}.Endpoints.{parts[3]}")
                ? $"Endpoints/{parts[3]}"
                : parts[2]);
        }

        // Comments, then raw, verbatim and regular string and character literals (interpolation holes are ignored too).
        [GeneratedRegex("""//[^\n]*|/\*.*?\*/|\"\"\"[\s\S]*?\"\"\"|@"(?:[^"]|"")*"|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)'""", RegexOptions.Singleline)]
        private static partial Regex CommentsAndStrings();

        [GeneratedRegex(@"^\s*namespace\s+(?<name>[\w.]+)", RegexOptions.Multiline)]
        private static partial Regex Declared();

        [GeneratedRegex(@"(?<name>\bFerry\.Server(?:\.\w+)+)")]
        private static partial Regex FullyQualified();

        // A dotted name not preceded by a dot: Explain.Explainers, Hosting.DatabaseReadiness, global::Ferry...
        [GeneratedRegex(@"(?<![\w.:])(?<name>[A-Z]\w*(?:\.\w+)+)")]
        private static partial Regex Qualified();
    }
}
