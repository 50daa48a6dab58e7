namespace Ferry.Explain.Shap;

/// <summary>
/// Model-agnostic KernelSHAP (Lundberg &amp; Lee, 2017) for any batch model <c>rows → one output per row</c>, with the
/// interventional value function v(S) = mean over background rows b of f(x_S, b_S̄). Players are the columns, or the
/// source features of a <see cref="FeatureGroups"/> (a one-hot block moves as one player). Cells are generic, so a
/// row may be <c>double[]</c> or <c>object?[]</c> mixing numbers and strings; see also <see cref="ExplainRecord"/>.
/// <para>
/// Players whose value equals every background row's get 0. When the remaining M players have 2^M − 2 ≤
/// <see cref="KernelShapOptions.SampleCount"/> non-trivial coalitions, all are enumerated with Shapley-kernel
/// weights and the values are exact. Otherwise coalitions are sampled with sizes drawn in proportion to the
/// kernel's total weight per size, 1/(s(M−s)), and uniformly within a size, each with its complement when
/// <see cref="KernelShapOptions.Paired"/>; the regression then weighs samples equally. The efficiency constraint
/// Σφ = f(x) − E[f] is enforced exactly (a Lagrange multiplier), so local accuracy holds.
/// </para>
/// <para>
/// Standard errors: a bootstrap over the sampled units (pairs when paired, so each resample keeps the antithetic
/// structure): the regression is re-solved on <see cref="KernelShapOptions.BootstrapCount"/> resamples with
/// replacement and each feature's error is the standard deviation of its resampled values. No extra model calls.
/// </para>
/// </summary>
public sealed class KernelShap
{
    private readonly KernelShapOptions _options;

    /// <summary>Creates an explainer with <paramref name="options"/> (defaults when omitted).</summary>
    public KernelShap(KernelShapOptions? options = null)
    {
        _options = options ?? new KernelShapOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.SampleCount, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.BootstrapCount, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchRows, 1, nameof(options));
    }

    /// <summary>The settings in use.</summary>
    public KernelShapOptions Options => _options;

    /// <summary>Explains <paramref name="model"/>'s output for <paramref name="row"/> against <paramref name="background"/>.</summary>
    /// <typeparam name="T">The cell type (double, or object for mixed numbers and strings); equality decides whether a cell varies.</typeparam>
    /// <param name="model">Scores a batch of rows, one output per row. It must not keep the row arrays (they are reused).</param>
    /// <param name="row">The row explained.</param>
    /// <param name="background">Reference rows standing in for "feature unknown" (e.g. 50–200 training rows).</param>
    /// <param name="groups">Optional grouping of columns into players; attributions are then per source feature.</param>
    /// <param name="space">The space of the model's output, written into the explanation.</param>
    public Explanation Explain<T>(
        Func<T[][], double[]> model,
        T[] row,
        IReadOnlyList<T[]> background,
        FeatureGroups? groups = null,
        string space = ExplanationSpaces.Value)
    {
        ArgumentNullException.ThrowIfNull(model);
        var game = new CoalitionRows<T>(row, background, groups);
        var fx = game.RowValue(model);
        var f0 = game.EmptyValue(model, _options.MaxBatchRows);
        var players = game.PlayerCount;
        var varying = Enumerable.Range(0, players).Where(p => game.Varying[p]).ToArray();
        var phi = new double[players];
        var errors = new double[players];
        if (varying.Length == 1)
        {
            phi[varying[0]] = fx - f0;
        }
        else if (varying.Length > 1)
        {
            var design = Design(varying.Length);
            var full = design.Coalitions.Select(z => Expand(z, varying, players)).ToArray();
            var values = game.Values(model, full, _options.MaxBatchRows);
            var solution = Solve(design, values, f0, fx - f0, Enumerable.Range(0, design.UnitCount).ToArray());
            var spread = design.Exact ? new double[varying.Length] : Bootstrap(design, values, f0, fx - f0);
            for (var i = 0; i < varying.Length; i++)
            {
                phi[varying[i]] = solution[i];
                errors[varying[i]] = spread[i];
            }
        }

        return new Explanation(f0, phi, fx, space, ExplanationMethods.KernelShap, errors)
        {
            FeatureNames = groups?.Sources,
        };
    }

    /// <summary>
    /// Explains a model over named records (feature name → number or string, as the server holds rows): players are
    /// <paramref name="features"/> (default: the row's keys in order); the model receives mixed records.
    /// </summary>
    public Explanation ExplainRecord(
        Func<IReadOnlyList<IReadOnlyDictionary<string, object?>>, double[]> model,
        IReadOnlyDictionary<string, object?> row,
        IReadOnlyList<IReadOnlyDictionary<string, object?>> background,
        IReadOnlyList<string>? features = null,
        string space = ExplanationSpaces.Value)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(background);
        var names = features ?? [.. row.Keys];
        object?[] ToCells(IReadOnlyDictionary<string, object?> record) =>
            [.. names.Select(n => record.TryGetValue(n, out var v) ? v : null)];
        double[] Score(object?[][] rows) =>
            model([.. rows.Select(cells => (IReadOnlyDictionary<string, object?>)names.Select((n, i) => (n, i))
                .ToDictionary(p => p.n, p => cells[p.i], StringComparer.Ordinal))]);
        var explanation = Explain(Score, ToCells(row), [.. background.Select(ToCells)], null, space);
        return explanation with { FeatureNames = names };
    }

    private static bool[] Expand(bool[] z, int[] varying, int players)
    {
        var full = new bool[players];
        Array.Fill(full, true);
        for (var i = 0; i < varying.Length; i++)
        {
            full[varying[i]] = z[i];
        }

        return full;
    }

    private SampleDesign Design(int m)
    {
        if (m < 62 && (1L << m) - 2 <= _options.SampleCount)
        {
            return SampleDesign.Enumerate(m);
        }

        return SampleDesign.Sample(m, _options.SampleCount, _options.Paired, new Random(_options.Seed));
    }

    private static double[] Solve(SampleDesign design, double[] values, double f0, double total, int[] units)
    {
        var m = design.PlayerCount;
        var a = new double[m, m];
        var b = new double[m];
        foreach (var unit in units)
        {
            foreach (var k in design.UnitMembers[unit])
            {
                var z = design.Coalitions[k];
                var w = design.Weights[k];
                var y = values[k] - f0;
                for (var i = 0; i < m; i++)
                {
                    if (!z[i])
                    {
                        continue;
                    }

                    b[i] += w * y;
                    for (var j = 0; j < m; j++)
                    {
                        if (z[j])
                        {
                            a[i, j] += w;
                        }
                    }
                }
            }
        }

        return ConstrainedLeastSquares.Solve(a, b, total);
    }

    private double[] Bootstrap(SampleDesign design, double[] values, double f0, double total)
    {
        var m = design.PlayerCount;
        var resamples = _options.BootstrapCount;
        if (resamples < 2)
        {
            return new double[m];
        }

        var random = new Random(unchecked((_options.Seed * 7919) + 1));
        var sum = new double[m];
        var sumSquares = new double[m];
        var done = 0;
        var units = new int[design.UnitCount];
        for (var r = 0; r < resamples; r++)
        {
            for (var u = 0; u < units.Length; u++)
            {
                units[u] = random.Next(units.Length);
            }

            double[] estimate;
            try
            {
                estimate = Solve(design, values, f0, total, units);
            }
            catch (InvalidOperationException)
            {
                continue; // a degenerate resample; skip it
            }

            done++;
            for (var i = 0; i < m; i++)
            {
                sum[i] += estimate[i];
                sumSquares[i] += estimate[i] * estimate[i];
            }
        }

        var errors = new double[m];
        if (done < 2)
        {
            Array.Fill(errors, double.NaN);
            return errors;
        }

        for (var i = 0; i < m; i++)
        {
            var mean = sum[i] / done;
            errors[i] = Math.Sqrt(Math.Max(0, (sumSquares[i] - (done * mean * mean)) / (done - 1)));
        }

        return errors;
    }
}
