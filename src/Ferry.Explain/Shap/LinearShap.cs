using Ferry.Explain.Linear;

namespace Ferry.Explain.Shap;

/// <summary>
/// Exact SHAP values of a linear model in its margin space under the interventional (independent features)
/// value function: φ_i = w_i·(x_i − E[x_i]) with E over the background rows; base value = w·E[x] + b, the mean
/// background margin. A NaN input is not supported (the model itself has no missing-value rule).
/// </summary>
public sealed class LinearShap
{
    private readonly double[] _means;

    /// <summary>Prepares <paramref name="model"/> with the background rows whose means stand in for absent features.</summary>
    public LinearShap(LinearModel model, IEnumerable<double[]> background)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(background);
        Model = model;
        _means = new double[model.FeatureCount];
        var count = 0;
        foreach (var row in background)
        {
            if (row.Length < model.FeatureCount)
            {
                throw new ArgumentException($"A background row has {row.Length} values; the model needs {model.FeatureCount}.", nameof(background));
            }

            count++;
            for (var i = 0; i < _means.Length; i++)
            {
                _means[i] += row[i];
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("At least one background row is needed.", nameof(background));
        }

        for (var i = 0; i < _means.Length; i++)
        {
            _means[i] /= count;
        }
    }

    /// <summary>The model explained.</summary>
    public LinearModel Model { get; }

    /// <summary>The background mean of each feature.</summary>
    public IReadOnlyList<double> Means => _means;

    /// <summary>Explains output <paramref name="output"/> of the raw margin for <paramref name="x"/>.</summary>
    public Explanation Explain(ReadOnlySpan<double> x, int output = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, Model.OutputCount);
        var w = Model.Coefficients[output];
        var attributions = new double[Model.FeatureCount];
        var baseValue = Model.Intercepts[output];
        for (var i = 0; i < attributions.Length; i++)
        {
            attributions[i] = w[i] * (x[i] - _means[i]);
            baseValue += w[i] * _means[i];
        }

        return new Explanation(baseValue, attributions, Model.PredictRaw(x)[output], Model.MarginSpace, ExplanationMethods.LinearExact)
        {
            OutputIndex = output,
        };
    }
}
