namespace Ferry.Explain.Shap;

/// <summary>
/// Solves min Σ_k w_k (y_k − z_k·φ)² subject to Σ φ = total through its KKT system
/// [A 1; 1ᵀ 0][φ; λ] = [b; total], with A = Σ w z zᵀ and b = Σ w z y, by Gaussian elimination with partial pivoting.
/// </summary>
internal static class ConstrainedLeastSquares
{
    public static double[] Solve(double[,] a, double[] b, double total)
    {
        var m = b.Length;
        var n = m + 1;
        var system = new double[n, n + 1];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                system[i, j] = a[i, j];
            }

            system[i, m] = 1;
            system[m, i] = 1;
            system[i, n] = b[i];
        }

        system[m, n] = total;
        var scale = 0.0;
        for (var i = 0; i < m; i++)
        {
            scale = Math.Max(scale, Math.Abs(a[i, i]));
        }

        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < n; row++)
            {
                if (Math.Abs(system[row, column]) > Math.Abs(system[pivot, column]))
                {
                    pivot = row;
                }
            }

            if (Math.Abs(system[pivot, column]) <= 1e-12 * Math.Max(scale, 1))
            {
                throw new InvalidOperationException(
                    "The KernelSHAP regression is singular (some features never vary apart); increase SampleCount.");
            }

            if (pivot != column)
            {
                for (var j = column; j <= n; j++)
                {
                    (system[column, j], system[pivot, j]) = (system[pivot, j], system[column, j]);
                }
            }

            for (var row = column + 1; row < n; row++)
            {
                var factor = system[row, column] / system[column, column];
                if (factor == 0)
                {
                    continue;
                }

                for (var j = column; j <= n; j++)
                {
                    system[row, j] -= factor * system[column, j];
                }
            }
        }

        var solution = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = system[row, n];
            for (var j = row + 1; j < n; j++)
            {
                sum -= system[row, j] * solution[j];
            }

            solution[row] = sum / system[row, row];
        }

        return solution[..m];
    }
}
