using System.Text.RegularExpressions;
using Ferry.Core.Contracts;
using Ferry.Explain.Fairness;
using Ferry.Explain.Importance;
using Ferry.Server.Explain.ModelCards;
using Xunit;

namespace Ferry.Server.Tests.Explain;

/// <summary>The model card's Markdown and HTML: sections, numbers, what an empty card says, escaping, determinism.</summary>
public sealed partial class ModelCardRenderingTests
{
    private static readonly DateTimeOffset Registered = new(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(2));
    private static readonly DateTimeOffset Generated = new(2025, 4, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FullCard_HasEverySection_WithTheRightNumbers()
    {
        var markdown = ModelCardMarkdown.Render(FullCard());

        Assert.StartsWith("# Model card: credit-default version 3\n", markdown, StringComparison.Ordinal);
        var sections = new[]
        {
            "## Model details", "## Intended use", "## Limitations", "## Ethical considerations", "## Training data and lineage",
            "## Signature", "## Metrics", "## Monitoring reference", "## Feature importance", "## Fairness",
        };
        var positions = sections.Select(s => markdown.IndexOf(s + "\n", StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);

        // Model details and the editable fields.
        Assert.Contains("| Owner | Risk analytics team |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Flavor | onnx |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Registered at | 2025-03-14 07:26:53 UTC |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Stage | Production |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Aliases | champion, prod |", markdown, StringComparison.Ordinal);
        Assert.Contains("Gradient-boosted trees scoring the probability of default.", markdown, StringComparison.Ordinal);
        Assert.Contains("Pre-screening of consumer loan applications", markdown, StringComparison.Ordinal);
        Assert.Contains("Not validated for business loans.", markdown, StringComparison.Ordinal);
        Assert.Contains("Age is not an input", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Not provided", markdown, StringComparison.Ordinal);

        // Lineage, signature, metrics (4 significant digits, sorted by name).
        Assert.Contains("| Training run | 7f3c2a |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Experiment | credit |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Datasets | loans-2024 (sha256:ab12) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| max\\_depth | 6 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| income | float32 \\[-1, 1\\] |", markdown, StringComparison.Ordinal);
        Assert.Contains("| probability | float32 \\[-1, 2\\] |", markdown, StringComparison.Ordinal);
        Assert.Contains("| auc | 0.8765 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| log\\_loss | 0.3124 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| rows | 12350 |", markdown, StringComparison.Ordinal);
        Assert.True(markdown.IndexOf("| auc |", StringComparison.Ordinal) < markdown.IndexOf("| log\\_loss |", StringComparison.Ordinal));

        // Reference.
        Assert.Contains("| Rows profiled | 5000 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Source | upload:train.csv |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Calibrated | yes", markdown, StringComparison.Ordinal);

        // Importance: mean |SHAP| and permutation.
        Assert.Contains("Space: log-odds, method: tree-path-dependent, over 5000 reference rows.", markdown, StringComparison.Ordinal);
        Assert.Contains("| income | 0.4321 | 0.1235 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| debt\\_ratio | 0.0001235 | 0.0000499 |", markdown, StringComparison.Ordinal);
        Assert.Contains("Metric: ROC AUC, baseline (unshuffled): 0.8765.", markdown, StringComparison.Ordinal);
        Assert.Contains("| income | 0.08321 ± 0.004149 |", markdown, StringComparison.Ordinal);

        // Fairness.
        Assert.Contains("Groups are the values of **region**, over 5000 reference rows.", markdown, StringComparison.Ordinal);
        Assert.Contains("\"Selected\" means: predicted default (true).", markdown, StringComparison.Ordinal);
        Assert.Contains("| north | 3000 | 42.0% | 80.0% | 10.5% |", markdown, StringComparison.Ordinal);
        Assert.Contains("| south | 2000 | 27.0% | 65.0% | 8.0% |", markdown, StringComparison.Ordinal);
        Assert.Contains("Demographic-parity difference: 0.15 (15.0 percentage points)", markdown, StringComparison.Ordinal);
        Assert.Contains("Equal-opportunity difference: 0.15 (15.0 percentage points)", markdown, StringComparison.Ordinal);

        Assert.EndsWith("_Generated by Ferry at 2025-04-01 12:00:00 UTC. The editable sections come from the card's fields; everything else is computed from the registry, the training run and the monitoring reference._\n",
            markdown, StringComparison.Ordinal);

        var html = ModelCardHtml.Render(markdown, "Model card: credit-default version 3");
        Assert.Contains("<td>north</td>", html, StringComparison.Ordinal);
        Assert.Contains(">42.0%</td>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Fairness</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<th style=\"text-align: right;\">Mean |SHAP|</th>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyCard_SaysWhatIsMissing_AndHowToFillIt()
    {
        var card = new ModelCardData("churn", 1, null, null, null, [], Registered, new ModelCardFields(), null, [], [], null, null, null, Generated);

        var markdown = ModelCardMarkdown.Render(card);

        Assert.StartsWith("# Model card: churn version 1\n", markdown, StringComparison.Ordinal);
        foreach (var section in new[] { "## Model details", "## Intended use", "## Limitations", "## Ethical considerations", "## Training data and lineage", "## Signature", "## Metrics", "## Monitoring reference", "## Feature importance", "## Fairness" })
        {
            Assert.Contains(section + "\n", markdown, StringComparison.Ordinal);
        }

        Assert.Contains("The owner is not set.", markdown, StringComparison.Ordinal);
        Assert.Contains("`ferry models card churn 1 --set owner=\"...\"`", markdown, StringComparison.Ordinal);
        Assert.Contains("`ferry models card churn 1 --set intended-use=\"...\"`", markdown, StringComparison.Ordinal);
        Assert.Contains("`ferry models card churn 1 --set limitations=\"...\"`", markdown, StringComparison.Ordinal);
        Assert.Contains("`ferry models card churn 1 --set ethical-considerations=\"...\"`", markdown, StringComparison.Ordinal);
        Assert.Contains("`PUT /api/v1/models/churn/versions/1/card`", markdown, StringComparison.Ordinal);
        Assert.Contains("No description", markdown, StringComparison.Ordinal);
        Assert.Contains("No lineage recorded", markdown, StringComparison.Ordinal);
        Assert.Contains("No signature recorded", markdown, StringComparison.Ordinal);
        Assert.Contains("No metrics", markdown, StringComparison.Ordinal);
        Assert.Contains("No monitoring reference", markdown, StringComparison.Ordinal);
        Assert.Contains("compute a reference with labels: `ferry models reference churn 1 data.csv --label y`", markdown, StringComparison.Ordinal);
        Assert.Contains("No fairness analysis", markdown, StringComparison.Ordinal);
        Assert.Contains("--set fairness-attribute=", markdown, StringComparison.Ordinal);
        Assert.Contains("Generated by Ferry at 2025-04-01 12:00:00 UTC", markdown, StringComparison.Ordinal);

        var html = ModelCardHtml.Render(markdown, "Model card: churn version 1");
        Assert.Contains("<h2>Fairness</h2>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void UserText_CannotBreakTables_NorInjectHtml()
    {
        const string Hostile = "evil | cell\nnext line <script>alert('x')</script> & [click](http://attacker.example) ![img](http://attacker.example/p.png) <http://attacker.example/auto>";
        var fields = new ModelCardFields
        {
            Owner = Hostile,
            IntendedUse = "# Not a heading\n- not a list\n    not code\n\n<img src=x onerror=alert(1)>",
            Limitations = Hostile,
        };
        var card = FullCard() with
        {
            Description = Hostile,
            Aliases = ["a|b"],
            Fields = fields,
            Lineage = FullCard().Lineage! with { Parameters = new Dictionary<string, string> { ["p|q\nr"] = "<b>v</b> | w" } },
        };

        var markdown = ModelCardMarkdown.Render(card);

        Assert.DoesNotContain("<script", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<http", markdown, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", markdown, StringComparison.Ordinal);
        Assert.Contains("| Owner | evil \\| cell next line &lt;script&gt;", markdown, StringComparison.Ordinal);
        Assert.Contains("| Aliases | a\\|b |", markdown, StringComparison.Ordinal);
        Assert.Contains("| p\\|q r | &lt;b&gt;v&lt;/b&gt; \\| w |", markdown, StringComparison.Ordinal);

        // Every table row keeps its column count: no cell leaks an unescaped pipe or a line break.
        foreach (var table in Tables(markdown))
        {
            var columns = UnescapedPipes(table[0]);
            Assert.All(table, row => Assert.Equal(columns, UnescapedPipes(row)));
        }

        var html = ModelCardHtml.Render(markdown, "Model card: <script>alert(1)</script>");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<h1>Not a heading", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<li>not a list", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<pre>", html, StringComparison.Ordinal);
        Assert.Contains("<title>Model card: &lt;script&gt;alert(1)&lt;/script&gt;</title>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert", html, StringComparison.Ordinal);
        Assert.Contains("<td>evil | cell next line &lt;script&gt;", html, StringComparison.Ordinal);

        // http appears only inside the user's text, shown as text: never in an attribute, a link or an asset.
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html.Replace("&lt;img src=x", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        foreach (Match m in Http().Matches(html))
        {
            Assert.Contains("attacker.example", html.Substring(m.Index, Math.Min(30, html.Length - m.Index)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Html_IsOneSelfContainedPage()
    {
        var html = ModelCardHtml.Render(ModelCardMarkdown.Render(FullCard()), "Model card: credit-default version 3");

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"viewport\"", html, StringComparison.Ordinal);
        Assert.Contains("<title>Model card: credit-default version 3</title>", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.Contains("max-width:900px", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Model card: credit-default version 3</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_IsDeterministic()
    {
        var card = FullCard();
        var reordered = card with
        {
            Lineage = card.Lineage! with
            {
                Parameters = card.Lineage.Parameters.Reverse().ToDictionary(p => p.Key, p => p.Value),
                Metrics = card.Lineage.Metrics.Reverse().ToDictionary(p => p.Key, p => p.Value),
            },
            Aliases = [.. card.Aliases.Reverse()],
        };

        var first = ModelCardMarkdown.Render(card);
        Assert.Equal(first, ModelCardMarkdown.Render(FullCard()));
        Assert.Equal(first, ModelCardMarkdown.Render(reordered));
        Assert.Equal(ModelCardHtml.Render(first, "t"), ModelCardHtml.Render(ModelCardMarkdown.Render(reordered), "t"));
        Assert.DoesNotContain("\r", first, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingLabels_SayWhatPermutationAndEqualOpportunityNeed()
    {
        var full = FullCard();
        var card = full with
        {
            Importance = full.Importance! with { Permutation = null },
            Fairness = full.Fairness! with
            {
                Report = new FairnessReport(
                    [new SliceMetrics("north", 3000, 0.42, double.NaN, double.NaN, 0), new SliceMetrics("south", 2000, 0.27, double.NaN, double.NaN, 0)],
                    0.15, double.NaN),
            },
        };

        var markdown = ModelCardMarkdown.Render(card);

        Assert.Contains("Not computed: the reference has no labels.", markdown, StringComparison.Ordinal);
        Assert.Contains("`ferry models reference credit-default 3 data.csv --label y`", markdown, StringComparison.Ordinal);
        Assert.Contains("| north | 3000 | 42.0% | n/a | n/a |", markdown, StringComparison.Ordinal);
        Assert.Contains("Equal-opportunity difference: n/a", markdown, StringComparison.Ordinal);
        Assert.Contains("it needs labels", markdown, StringComparison.Ordinal);
    }

    private static ModelCardData FullCard() => new(
        "credit-default",
        3,
        "Gradient-boosted trees scoring the probability of default.",
        "onnx",
        "Production",
        ["prod", "champion"],
        Registered,
        new ModelCardFields
        {
            Owner = "Risk analytics team",
            IntendedUse = "Pre-screening of consumer loan applications; a person reviews every decline.",
            Limitations = "Not validated for business loans.",
            EthicalConsiderations = "Age is not an input; region is monitored for disparate impact.",
            FairnessAttribute = "region",
        },
        new CardLineage(
            "mlflow-artifacts:/1/7f3c2a/artifacts/model/model.onnx",
            "7f3c2a",
            "xgb-depth6",
            "credit",
            new Dictionary<string, string> { ["max_depth"] = "6", ["eta"] = "0.1", ["n_estimators"] = "300" },
            new Dictionary<string, double> { ["log_loss"] = 0.312449, ["auc"] = 0.876543, ["rows"] = 12345.6 },
            ["loans-2024 (sha256:ab12)"]),
        [new CardField("income", "float32 [-1, 1]"), new CardField("region", "string [-1, 1]")],
        [new CardField("label", "int64 [-1]"), new CardField("probability", "float32 [-1, 2]")],
        new CardReference(5000, "upload:train.csv", Generated.AddDays(-1), "true", Calibrated: true),
        new CardImportance(
            "log-odds",
            "tree-path-dependent",
            5000,
            [new FeatureImportance("income", 0.432109, 0.123456), new FeatureImportance("debt_ratio", 0.000123456, 0.0000499)],
            new PermutationImportanceResult(ImportanceMetric.RocAuc, 0.876543,
                [new FeatureImportance("income", 0.08321, 0.004149), new FeatureImportance("region", 0.0012, 0.0003)])),
        new CardFairness(
            "region",
            5000,
            "predicted default (true)",
            new FairnessReport(
                [new SliceMetrics("north", 3000, 0.42, 0.80, 0.105, 600), new SliceMetrics("south", 2000, 0.27, 0.65, 0.08, 300)],
                0.15,
                0.15)),
        Generated);

    private static List<List<string>> Tables(string markdown)
    {
        var tables = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith('|'))
            {
                current ??= [];
                current.Add(line);
            }
            else if (current is not null)
            {
                tables.Add(current);
                current = null;
            }
        }

        Assert.NotEmpty(tables);
        return tables;
    }

    private static int UnescapedPipes(string row) => UnescapedPipe().Count(row);

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    [GeneratedRegex("http", RegexOptions.IgnoreCase)]
    private static partial Regex Http();
}
