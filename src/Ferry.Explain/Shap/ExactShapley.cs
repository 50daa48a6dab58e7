using System.Numerics;

namespace Ferry.Explain.Shap;

/// <summary>
/// Shapley values by definition: φ_i = Σ_{S ⊆ N∖{i}} |S|!(M−|S|−1)!/M! · (v(S ∪ {i}) − v(S)), enumerating all 2^M
/// coalitions. Exact for any value function; practical for up to about 20 players. Used to check the fast methods
/// and to explain black-box models with few features exactly (e.g. in probability space).
/// </summary>
public static class ExactShapley
{
    /// <summary>The largest number of players accepted (2^24 coalitions).</summary>
    public const int MaxPlayers = 24;

    /// <summary>
    /// The Shapley values of the game <paramref name="value"/>, called once per coalition with a bit mask
    /// (bit i set = player i present).
    /// </summary>
    public static double[] Values(int playerCount, Func<ulong, double> value)
    {
        return FromTable(playerCount, Table(playerCount, value));
    }

    /// <summary>The Shapley values as an <see cref="Explanation"/>: base v(∅), output v(all players).</summary>
    public static Explanation Explain(int playerCount, Func<ulong, double> value, string space, IReadOnlyList<string>? featureNames = null)
    {
        var v = Table(playerCount, value);
        return new Explanation(v[0], FromTable(playerCount, v), v[^1], space, ExplanationMethods.ExactShapley)
        {
            FeatureNames = featureNames,
        };
    }

    /// <summary>
    /// Exact interventional Shapley values of a black-box model: v(S) = mean over <paramref name="background"/> of
    /// <paramref name="model"/>(row_S, background_S̄), with players = columns or the sources of
    /// <paramref name="groups"/>. Costs 2^M × |background| model rows.
    /// </summary>
    public static Explanation Interventional<T>(
        Func<T[][], double[]> model,
        T[] row,
        IReadOnlyList<T[]> background,
        FeatureGroups? groups = null,
        string space = ExplanationSpaces.Value,
        int maxBatchRows = 8192)
    {
        ArgumentNullException.ThrowIfNull(model);
        var game = new CoalitionRows<T>(row, background, groups);
        var players = game.PlayerCount;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(players, MaxPlayers, nameof(row));
        var coalitions = new bool[1 << players][];
        for (var mask = 0; mask < coalitions.Length; mask++)
        {
            coalitions[mask] = [.. Enumerable.Range(0, players).Select(p => (mask & (1 << p)) != 0)];
        }

        var values = game.Values(model, coalitions, maxBatchRows);
        return new Explanation(values[0], FromTable(players, values), values[^1], space, ExplanationMethods.ExactShapley)
        {
            FeatureNames = groups?.Sources,
        };
    }

    private static double[] Table(int playerCount, Func<ulong, double> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(playerCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(playerCount, MaxPlayers);
        var v = new double[1UL << playerCount];
        for (var mask = 0UL; mask < (ulong)v.Length; mask++)
        {
            v[mask] = value(mask);
        }

        return v;
    }

    private static double[] FromTable(int players, double[] v)
    {
        // weight[s] = s!(M−s−1)!/M!
        var weight = new double[Math.Max(players, 1)];
        for (var s = 0; s < players; s++)
        {
            weight[s] = 1.0 / (players * Binomial(players - 1, s));
        }

        var phi = new double[players];
        for (var mask = 0UL; mask < (ulong)v.Length; mask++)
        {
            var size = BitOperations.PopCount(mask);
            for (var i = 0; i < players; i++)
            {
                var bit = 1UL << i;
                if ((mask & bit) == 0)
                {
                    phi[i] += weight[size] * (v[mask | bit] - v[mask]);
                }
            }
        }

        return phi;
    }

    internal static double Binomial(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
