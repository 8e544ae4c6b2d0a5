namespace Gateway.Routing.Evaluation;

/// <summary>
/// RouteLLM's metrics for a weak/strong pair. Prompts are sent to the strong model in order of the router's
/// preference for it; the curve is quality against the share of strong calls, from all-weak to all-strong.
/// </summary>
internal static class TwoModelMetrics
{
    /// <summary>
    /// The quality curve when the k prompts with the highest <paramref name="strongPreference"/> go to the
    /// strong model, for k = 0..n. Equal preferences are sent together (a threshold cannot split them).
    /// </summary>
    public static (double StrongShare, double Quality)[] Curve(double[] strongPreference, double[] weak, double[] strong)
    {
        var n = weak.Length;
        var order = Enumerable.Range(0, n).OrderByDescending(i => strongPreference[i]).ToArray();
        var curve = new List<(double, double)> { (0, weak.Average()) };
        var total = weak.Sum();
        for (var k = 0; k < n; k++)
        {
            var i = order[k];
            total += strong[i] - weak[i];
            var lastOfGroup = k == n - 1 || strongPreference[order[k + 1]] != strongPreference[i];
            if (lastOfGroup)
            {
                curve.Add(((k + 1) / (double)n, total / n));
            }
        }

        return [.. curve];
    }

    /// <summary>
    /// APGR: (area under the curve − weak quality) / (strong quality − weak quality), the curve spanning strong
    /// shares 0 to 1. Random routing scores 0.5.
    /// </summary>
    public static double Apgr(IReadOnlyList<(double StrongShare, double Quality)> curve, double weakQuality, double strongQuality)
    {
        var area = 0.0;
        for (var i = 1; i < curve.Count; i++)
        {
            area += (curve[i].StrongShare - curve[i - 1].StrongShare) * (curve[i].Quality + curve[i - 1].Quality) / 2;
        }

        return (area - weakQuality) / (strongQuality - weakQuality);
    }

    /// <summary>
    /// CPT(x): the smallest share of strong calls whose quality reaches weak + x·(strong − weak), interpolating
    /// linearly between curve points; 1 when never reached before all calls go to the strong model.
    /// </summary>
    public static double Cpt(IReadOnlyList<(double StrongShare, double Quality)> curve, double weakQuality, double strongQuality, double fraction)
    {
        var target = weakQuality + (fraction * (strongQuality - weakQuality));
        if (curve[0].Quality >= target)
        {
            return curve[0].StrongShare;
        }

        for (var i = 1; i < curve.Count; i++)
        {
            if (curve[i].Quality >= target)
            {
                var (x0, y0) = curve[i - 1];
                var (x1, y1) = curve[i];
                return y1 - y0 <= 0 ? x1 : x0 + ((target - y0) / (y1 - y0) * (x1 - x0));
            }
        }

        return 1.0;
    }
}
