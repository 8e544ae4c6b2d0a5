using System.Text.Json;
using Gateway.Errors;

namespace Gateway.Host.Routing;

/// <summary>
/// A caller's per-request routing overrides, from the body's <c>route</c> object or the
/// <c>x-gateway-route</c> header (the same JSON):
/// <c>{"profile","weights":{"cost","size","latency","age"},"max_price","allow":[],"deny":[],"explain"}</c>.
/// </summary>
internal sealed record RouteOverrides(
    string? Profile = null,
    double? Cost = null,
    double? Size = null,
    double? Latency = null,
    double? Age = null,
    double? MaxPricePerMTok = null,
    IReadOnlyList<string>? Allow = null,
    IReadOnlyList<string>? Deny = null,
    bool Explain = false)
{
    public static readonly RouteOverrides None = new();

    public static GatewayError? TryParse(JsonElement element, out RouteOverrides overrides)
    {
        overrides = None;
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.BadRequest("'route' must be an object.", "route", "invalid_type");
        }

        try
        {
            double? Weight(string name) =>
                element.TryGetProperty("weights", out var weights) && weights.ValueKind == JsonValueKind.Object
                && weights.TryGetProperty(name, out var w) && w.ValueKind != JsonValueKind.Null ? w.GetDouble() : null;

            overrides = new RouteOverrides(
                Profile: element.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.String ? profile.GetString() : null,
                Cost: Weight("cost"),
                Size: Weight("size"),
                Latency: Weight("latency"),
                Age: Weight("age"),
                MaxPricePerMTok: element.TryGetProperty("max_price", out var max) && max.ValueKind != JsonValueKind.Null ? max.GetDouble() : null,
                Allow: Names(element, "allow"),
                Deny: Names(element, "deny"),
                Explain: element.TryGetProperty("explain", out var explain) && explain.ValueKind == JsonValueKind.True);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return GatewayError.BadRequest($"Invalid 'route': {ex.Message}", "route", "invalid_type");
        }

        if (new[] { overrides.Cost, overrides.Size, overrides.Latency, overrides.Age }.Any(w => w is < 0 or > 100 || (w is { } v && double.IsNaN(v))))
        {
            return GatewayError.BadRequest("Route weights must be between 0 and 100.", "route.weights", "invalid_value");
        }

        return null;
    }

    public static GatewayError? TryParseHeader(string? header, out RouteOverrides overrides)
    {
        overrides = None;
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(header);
            return TryParse(document.RootElement, out overrides);
        }
        catch (JsonException ex)
        {
            return GatewayError.BadRequest($"The x-gateway-route header is not valid JSON: {ex.Message}", "x-gateway-route", "invalid_json");
        }
    }

    /// <summary>Body values win over header values, field by field.</summary>
    public RouteOverrides Merge(RouteOverrides body) => new(
        body.Profile ?? Profile, body.Cost ?? Cost, body.Size ?? Size, body.Latency ?? Latency, body.Age ?? Age,
        body.MaxPricePerMTok ?? MaxPricePerMTok, body.Allow ?? Allow, body.Deny ?? Deny, body.Explain || Explain);

    private static string[]? Names(JsonElement element, string property) =>
        element.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException($"'{property}' must list model names.")).ToArray()
            : null;
}
