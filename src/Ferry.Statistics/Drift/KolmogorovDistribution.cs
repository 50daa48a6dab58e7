namespace Ferry.Statistics.Drift;

/// <summary>
/// Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic Dₙ (scipy.stats.kstwo.sf), a port of
/// scipy's <c>_kolmogn</c>: the Simard–L'Ecuyer choice between Ruben–Gambino closed forms, the Durbin matrix
/// (Marsaglia–Tsang–Wang), Pomeranz's recursion, the Pelz–Good expansion and 2 × Smirnov.
/// </summary>
internal static class KolmogorovDistribution
{
    private const int ScaleExponent = 128;
    private static readonly double ScaleUp = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double ScaleDown = Math.ScaleB(1.0, -ScaleExponent);
    private static readonly double SqrtTwoPi = Math.Sqrt(2 * Math.PI);
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);
    private const double MinLog = -708;
    private static readonly double SqrtThree = Math.Sqrt(3);
    private const double PiSquared = Math.PI * Math.PI;
    private const double PiFour = PiSquared * PiSquared;
    private const double PiSix = PiFour * PiSquared;

    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>P(Dₙ ≥ x) as scipy.stats.kstwo.sf(x, n), support checks included.</summary>
    public static double Survival(double x, int n)
    {
        if (n < 1 || double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        if (x <= 0.5 / n)
        {
            return 1.0;
        }

        return Kolmogn(n, x, cdf: false);
    }

    private static double Kolmogn(int n, double x, bool cdf)
    {
        if (x >= 1.0)
        {
            return Select(1.0, 0.0, cdf);
        }

        if (x <= 0.0)
        {
            return Select(0.0, 1.0, cdf);
        }

        var t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5)
            {
                return Select(0.0, 1.0, cdf);
            }

            double prob;
            if (n <= 140)
            {
                prob = 1.0;
                var factor = (2 * t) - 1;
                for (var i = 1; i <= n; i++)
                {
                    prob *= i * (1.0 / n) * factor;
                }
            }
            else
            {
                prob = Math.Exp(LogFactorialOverPower(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Select(prob, 1.0 - prob, cdf);
        }

        if (t >= n - 1)
        {
            var prob = 2 * Math.Pow(1.0 - x, n);
            return Select(1 - prob, prob, cdf);
        }

        if (x >= 0.5)
        {
            var prob = 2 * SmirnovDistribution.Survival(n, x);
            return Select(1.0 - prob, prob, cdf);
        }

        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                var p = DurbinMatrix(n, x);
                return Select(p, 1.0 - p, cdf);
            }

            if (nxSquared <= 4)
            {
                var p = Pomeranz(n, x);
                return Select(p, 1.0 - p, cdf);
            }

            var prob = 2 * SmirnovDistribution.Survival(n, x);
            return Select(1.0 - prob, prob, cdf);
        }

        if (!cdf)
        {
            if (nxSquared >= 370.0)
            {
                return 0.0;
            }

            if (nxSquared >= 2.2)
            {
                return Math.Clamp(2 * SmirnovDistribution.Survival(n, x), 0.0, 1.0);
            }
        }

        double cdfProb;
        if (nxSquared >= 18.0)
        {
            cdfProb = 1.0;
        }
        else if (n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4)
        {
            cdfProb = DurbinMatrix(n, x);
        }
        else
        {
            cdfProb = PelzGood(n, x);
        }

        return Select(cdfProb, 1.0 - cdfProb, cdf);
    }

    private static double Select(double cdfProb, double sfProb, bool cdf) => Math.Clamp(cdf ? cdfProb : sfProb, 0.0, 1.0);

    /// <summary>log(n! / nⁿ) by Stirling's series.</summary>
    private static double LogFactorialOverPower(int n)
    {
        var rn = 1.0 / n;
        var y = rn / n;
        var poly = 0.0;
        foreach (var c in StirlingCoefficients)
        {
            poly = (poly * y) + c;
        }

        return (Math.Log(n) / 2) - n + (LogTwoPi / 2) + (rn * poly);
    }

    /// <summary>P(Dₙ ≤ d) by Durbin's matrix algorithm in the Marsaglia–Tsang–Wang form.</summary>
    private static double DurbinMatrix(int n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = (2 * k) - 1;

        var matrix = new double[m * m];
        var v = new double[m];
        var w = new double[m];
        var fac = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * fac;
        }

        var tt = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
        v[m - 1] = (1.0 + tt) * fac;

        for (var i = 1; i < m; i++)
        {
            for (var row = i - 1; row < m; row++)
            {
                matrix[(row * m) + i] = w[row - (i - 1)];
            }
        }

        for (var row = 0; row < m; row++)
        {
            matrix[row * m] = v[row];
        }

        for (var col = 0; col < m; col++)
        {
            matrix[((m - 1) * m) + col] = v[m - 1 - col];
        }

        var power = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            power[(i * m) + i] = 1.0;
        }

        var scratch = new double[m * m];
        var nn = n;
        var exponent = 0;
        var matrixExponent = 0;
        while (nn > 0)
        {
            if (nn % 2 == 1)
            {
                Multiply(power, matrix, scratch, m);
                (power, scratch) = (scratch, power);
                exponent += matrixExponent;
            }

            Multiply(matrix, matrix, scratch, m);
            (matrix, scratch) = (scratch, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[((k - 1) * m) + k - 1]) > ScaleUp)
            {
                for (var i = 0; i < matrix.Length; i++)
                {
                    matrix[i] /= ScaleUp;
                }

                matrixExponent += ScaleExponent;
            }

            nn /= 2;
        }

        var p = power[((k - 1) * m) + k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < ScaleDown)
            {
                p *= ScaleUp;
                exponent -= ScaleExponent;
            }
        }

        if (exponent != 0)
        {
            p = Math.ScaleB(p, exponent);
        }

        return Math.Clamp(p, 0.0, 1.0);
    }

    private static void Multiply(double[] left, double[] right, double[] result, int m)
    {
        Array.Clear(result);
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var a = left[(i * m) + k];
                if (a == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[(i * m) + j] += a * right[(k * m) + j];
                }
            }
        }
    }

    private static (int Start, int End) PomeranzBounds(int i, int n, int ll, int ceilF, int roundF)
    {
        int j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilF - 1;
            j2 = ll + ceilF - 1;
        }
        else
        {
            var half = (i + 1) / 2;
            var odd = (i + 1) % 2;
            if (odd == 0)
            {
                if (half == n + 1)
                {
                    j1 = n - ll - ceilF - 1;
                    j2 = n + ll + ceilF - 1;
                }
                else
                {
                    j1 = half - 1 - ll - roundF - 1;
                    j2 = half + ll - 1 + ceilF - 1;
                }
            }
            else
            {
                j1 = half - 1 - ll - 1;
                j2 = half + ll + roundF - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>P(Dₙ ≤ x) by Pomeranz's recursion.</summary>
    private static double Pomeranz(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilF = f > 0 ? 1 : 0;
        var roundF = f > 0.5 ? 1 : 0;
        var powers = 2 * (ll + 1);
        var gPower = new double[powers];
        var twoGPower = new double[powers];
        var oneMinusTwoGPower = new double[powers];
        gPower[0] = 1.0;
        twoGPower[0] = 1.0;
        oneMinusTwoGPower[0] = 1.0;
        var exponent = 0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - (2 * g)) / n;
        for (var m = 1; m < powers; m++)
        {
            gPower[m] = gPower[m - 1] * gOverN / m;
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / m;
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[powers];
        var v1 = new double[powers];
        v1[0] = 1;
        int v0Start = 0, v1Start = 0;
        var (j1, j2) = PomeranzBounds(0, n, ll, ceilF, roundF);
        for (var i = 1; i < (2 * n) + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0Start, v1Start) = (v1Start, v0Start);
            Array.Clear(v1);
            (j1, j2) = PomeranzBounds(i, n, ll, ceilF, roundF);
            var weights = (i == 1 || i == (2 * n) + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower);
            var length = j2 - k1 + 1;
            if (length > 0)
            {
                var sourceStart = k1 - v0Start;
                var sourceLength = Math.Min(length, powers - sourceStart);
                var weightsLength = Math.Min(length, powers);
                var convStart = j1 - k1;
                var convLength = j2 - j1 + 1;
                for (var c = 0; c < convLength; c++)
                {
                    // Entry (convStart + c) of the full convolution of source[0..sourceLength) with weights[0..length).
                    var index = convStart + c;
                    var sum = 0.0;
                    var from = Math.Max(0, index - (weightsLength - 1));
                    var to = Math.Min(index, sourceLength - 1);
                    for (var s = from; s <= to; s++)
                    {
                        sum += v0[sourceStart + s] * weights[index - s];
                    }

                    v1[c] = sum;
                }

                var max = 0.0;
                foreach (var value in v1)
                {
                    max = Math.Max(max, value);
                }

                if (max > 0 && max < ScaleDown)
                {
                    for (var c = 0; c < v1.Length; c++)
                    {
                        v1[c] *= ScaleUp;
                    }

                    exponent -= ScaleExponent;
                }

                v1Start = v0Start + j1 - k1;
            }
        }

        var answer = v1[n - v1Start];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(answer) > ScaleUp)
            {
                answer *= ScaleDown;
                exponent += ScaleExponent;
            }

            answer *= m;
        }

        if (exponent != 0)
        {
            answer = Math.ScaleB(answer, exponent);
        }

        return Math.Clamp(answer, 0.0, 1.0);
    }

    /// <summary>The Pelz–Good approximation to P(Dₙ ≤ x).</summary>
    private static double PelzGood(int n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        var z = Math.Sqrt(n) * x;
        double zSquared = z * z, zThree = zSquared * z, zFour = zSquared * zSquared, zSix = zFour * zSquared;
        var qLog = -PiSquared / 8 / zSquared;
        if (qLog < MinLog)
        {
            return 0.0;
        }

        var q = Math.Exp(qLog);
        var k1a = -zSquared;
        var k1b = PiSquared / 4;
        var k2a = (6 * zSix) + (2 * zFour);
        var k2b = ((2 * zFour) - (5 * zSquared)) * PiSquared / 4;
        var k2c = PiFour * (1 - (2 * zSquared)) / 16;
        var k3d = PiSix * (5 - (30 * zSquared)) / 64;
        var k3c = PiFour * ((-60 * zSquared) + (212 * zFour)) / 16;
        var k3b = PiSquared * ((135 * zFour) - (96 * zSix)) / 4;
        var k3a = (-30 * zSix) - (90 * Math.Pow(z, 8));

        double k0 = 0, kOne = 0, kTwo = 0, kThree = 0;
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            double m = (2 * k) - 1;
            double mSquared = m * m, mFour = mSquared * mSquared, mSix = mFour * mSquared;
            var qPower = Math.Pow(q, 8 * k);
            k0 = (k0 * qPower) + 1.0;
            kOne = (kOne * qPower) + k1a + (k1b * mSquared);
            kTwo = (kTwo * qPower) + k2a + (k2b * mSquared) + (k2c * mFour);
            kThree = (kThree * qPower) + k3a + (k3b * mSquared) + (k3c * mFour) + (k3d * mSix);
        }

        var scale = q * SqrtTwoPi;
        k0 = k0 * scale / z;
        kOne = kOne * scale / (6 * zFour);
        kTwo = kTwo * scale / (72 * Math.Pow(z, 7));
        kThree = kThree * scale / (6480 * Math.Pow(z, 10));

        q = Math.Exp(-PiSquared / 2 / zSquared);
        var sqrt3z = SqrtThree * z;
        double k2Extra = 0, k3Extra = 0;
        for (var k = maxK; k > 0; k--)
        {
            double kSquared = (double)k * k;
            var qPowered = Math.Pow(q, kSquared);
            var kPi = Math.PI * k;
            k2Extra += kSquared * qPowered;
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPowered;
        }

        kTwo += k2Extra * PiSquared * SqrtTwoPi / (-36 * zThree);
        kThree += k3Extra * PiSquared * SqrtTwoPi / (216 * zSix);

        double sqrtN = Math.Sqrt(n), nOnePointFive = Math.Pow(n, 1.5);
        return k0 + (kOne / sqrtN) + (kTwo / n) + (kThree / nOnePointFive);
    }
}
