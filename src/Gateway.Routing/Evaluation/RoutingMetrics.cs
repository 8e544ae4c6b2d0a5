namespace Gateway.Routing.Evaluation;

/// <summary>
/// The routing metrics of RouteLLM and RouterBench, as pure functions over per-prompt score tables.
/// </summary>
internal static class RoutingMetrics
{
    private const double Tie = 1e-9;

    /// <summary>Mean score of the chosen model per prompt.</summary>
    public static double RoutedQuality(double[][] scores, int[] chosen) =>
        scores.Length == 0 ? 0 : scores.Select((row, i) => row[chosen[i]]).Average();

    /// <summary>Share of prompts whose chosen model is among the best for that prompt (ties count as best).</summary>
    public static double SelectionAccuracy(double[][] scores, int[] chosen) =>
        scores.Length == 0 ? 0 : scores.Select((row, i) => row[chosen[i]] >= row.Max() - Tie ? 1.0 : 0.0).Average();

    /// <summary>The best model for a prompt, the cheapest among equals.</summary>
    public static int OracleChoice(double[] scores, double[] costs)
    {
        var max = scores.Max();
        var best = -1;
        for (var m = 0; m < scores.Length; m++)
        {
            if (scores[m] >= max - Tie && (best < 0 || costs[m] < costs[best]))
            {
                best = m;
            }
        }

        return best;
    }

    /// <summary>
    /// AIQ: area under the non-decreasing upper convex hull of (cost, quality) points, divided by the cost range.
    /// A point is first lifted to the best quality available at or below its cost (one can always pick the cheaper
    /// setting), then the upper hull interpolates between settings (mixing two settings is always possible).
    /// With a single cost, the best quality.
    /// </summary>
    public static double Aiq(IReadOnlyList<(double Cost, double Quality)> points)
    {
        if (points.Count == 0)
        {
            throw new ArgumentException("AIQ needs at least one point.", nameof(points));
        }

        var sorted = points.OrderBy(p => p.Cost).ThenByDescending(p => p.Quality).ToArray();
        var lifted = new List<(double Cost, double Quality)>();
        var best = double.MinValue;
        foreach (var p in sorted)
        {
            best = Math.Max(best, p.Quality);
            lifted.Add((p.Cost, best));
        }

        var hull = new List<(double Cost, double Quality)>();
        foreach (var p in lifted)
        {
            if (hull.Count > 0 && Math.Abs(hull[^1].Cost - p.Cost) < Tie)
            {
                hull[^1] = (p.Cost, Math.Max(hull[^1].Quality, p.Quality));
                continue;
            }

            // Drop the last hull point while it lies on or below the chord from the one before it to p.
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], p) >= 0)
            {
                hull.RemoveAt(hull.Count - 1);
            }

            hull.Add(p);
        }

        var range = hull[^1].Cost - hull[0].Cost;
        if (range <= Tie)
        {
            return hull.Max(p => p.Quality);
        }

        var area = 0.0;
        for (var i = 1; i < hull.Count; i++)
        {
            area += (hull[i].Cost - hull[i - 1].Cost) * (hull[i].Quality + hull[i - 1].Quality) / 2;
        }

        return area / range;
    }

    private static double Cross((double X, double Y) a, (double X, double Y) b, (double X, double Y) c) =>
        ((b.X - a.X) * (c.Y - a.Y)) - ((b.Y - a.Y) * (c.X - a.X));
}
