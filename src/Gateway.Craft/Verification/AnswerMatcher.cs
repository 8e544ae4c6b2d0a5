using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Craft.Verification;

/// <summary>
/// Decides whether a returned value is the expected answer: numbers within a small relative tolerance (a number
/// written as a string counts as that number), strings trimmed and compared without case, booleans against
/// <c>true</c>/<c>false</c> text, arrays element by element, objects key by key.
/// </summary>
internal static class AnswerMatcher
{
    private const double Tolerance = 1e-6;

    public static bool Matches(JsonNode? actual, JsonNode? expected)
    {
        if (actual is null || expected is null)
        {
            return actual is null && expected is null;
        }

        if (AsNumber(expected) is { } e && AsNumber(actual) is { } a)
        {
            return Math.Abs(a - e) <= Tolerance * Math.Max(1, Math.Abs(e));
        }

        return (actual, expected) switch
        {
            (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Matches(p.First, p.Second)),
            (JsonObject x, JsonObject y) => x.Count == y.Count && y.All(p => x.TryGetPropertyValue(p.Key, out var v) && Matches(v, p.Value)),
            (JsonValue x, JsonValue y) => string.Equals(Text(x), Text(y), StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    /// <summary>The answer as people write it: strings without quotes, everything else as compact JSON.</summary>
    public static string Display(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "null";

    private static string Text(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>().Trim(),
        _ => value.ToJsonString(),
    };

    private static double? AsNumber(JsonNode node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.Number => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            JsonValueKind.String when double.TryParse(value.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }
}
