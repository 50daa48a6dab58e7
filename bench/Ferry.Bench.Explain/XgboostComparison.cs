using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ferry.Explain.Readers;
using Ferry.Explain.Shap;

namespace Ferry.Bench.Explain;

/// <summary>
/// Reads the XGBoost model with <see cref="XgboostJsonReader"/>, runs path-dependent TreeSHAP on every row on one
/// thread (median of three passes after a warm-up pass), checks the contributions against XGBoost's, and prints
/// µs/row on both sides and the ratios.
/// </summary>
internal static class XgboostComparison
{
    public static int Run(string directory)
    {
        var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "meta.json"))).RootElement;
        var rowCount = meta.GetProperty("rows").GetInt32();
        var features = meta.GetProperty("features").GetInt32();
        var rows = ReadMatrix(Path.Combine(directory, "rows.f64"), rowCount, features);
        var expected = ReadMatrix(Path.Combine(directory, "contribs.f64"), rowCount, features + 1);
        var model = XgboostJsonReader.ReadFile(Path.Combine(directory, "model.json"));
        var shap = new PathDependentTreeShap(model);
        var phi = new double[features];

        Pass(shap, rows, phi); // warm-up (tiered JIT)
        var seconds = new[] { Pass(shap, rows, phi), Pass(shap, rows, phi), Pass(shap, rows, phi) }.Order().ElementAt(1);
        var ferry = seconds / rowCount * 1e6;

        var maxDifference = 0.0;
        for (var i = 0; i < rowCount; i++)
        {
            shap.Contributions(rows[i], phi);
            for (var f = 0; f < features; f++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(phi[f] - expected[i][f]));
            }

            maxDifference = Math.Max(maxDifference, Math.Abs(shap.ExpectedValues[0] - expected[i][features]));
        }

        var oneThread = meta.GetProperty("xgboost_us_per_row_1_thread").GetDouble();
        var allThreads = meta.GetProperty("xgboost_us_per_row_all_threads").GetDouble();
        var cores = meta.GetProperty("cores").GetInt32();
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Ferry path-dependent TreeSHAP, 1 thread: {ferry,8:F1} us/row"));
        Console.WriteLine(string.Create(c, $"Ferry / XGBoost (1 thread):      {ferry / oneThread,6:F2}x"));
        Console.WriteLine(string.Create(c, $"Ferry / XGBoost ({cores} threads):     {ferry / allThreads,6:F2}x"));
        Console.WriteLine(string.Create(c, $"max |Ferry - XGBoost| over {rowCount} rows x {features + 1} contributions: {maxDifference:E2}"));
        Console.WriteLine(string.Create(c, $"RESULT treeshap ferry_us_per_row={ferry:F1} xgboost_1t_us_per_row={oneThread:F1} xgboost_all_us_per_row={allThreads:F1} ratio_1t={ferry / oneThread:F2} ratio_all={ferry / allThreads:F2} max_abs_diff={maxDifference:E2}"));
        return maxDifference < 1e-4 ? 0 : 1;
    }

    private static double Pass(PathDependentTreeShap shap, double[][] rows, double[] phi)
    {
        var watch = Stopwatch.StartNew();
        foreach (var row in rows)
        {
            shap.Contributions(row, phi);
        }

        return watch.Elapsed.TotalSeconds;
    }

    private static double[][] ReadMatrix(string path, int rows, int columns)
    {
        var bytes = File.ReadAllBytes(path);
        var all = new double[rows * columns];
        Buffer.BlockCopy(bytes, 0, all, 0, bytes.Length);
        return [.. Enumerable.Range(0, rows).Select(r => all.AsSpan(r * columns, columns).ToArray())];
    }
}
