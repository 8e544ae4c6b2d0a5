using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Bench.Soak;

/// <summary>The samples of a Prometheus text exposition (<c>/metrics</c>).</summary>
internal static partial class PrometheusText
{
    public static IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            if (space < 0)
            {
                continue;
            }

            var name = brace >= 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0 && brace < space)
            {
                foreach (Match match in Label().Matches(line[brace..line.LastIndexOf('}')]))
                {
                    labels[match.Groups[1].Value] = match.Groups[2].Value;
                }
            }

            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                yield return (name, labels, value);
            }
        }
    }

    /// <summary>The sum of a metric's samples whose label <paramref name="label"/> is <paramref name="value"/>.</summary>
    public static double Sum(string text, string metric, string label, string value) =>
        Samples(text).Where(s => s.Name == metric && s.Labels.TryGetValue(label, out var v) && v == value).Sum(s => s.Value);

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Label();
}
