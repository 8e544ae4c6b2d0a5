namespace Gateway;

/// <summary>The API keys a client of the gateway presents, as <c>Authorization: Bearer KEY</c>.</summary>
public static class GatewayApiKeys
{
    /// <summary>
    /// The public development key: an admin key the gateway accepts only while no keys are configured and
    /// <c>Gateway:AllowDevelopmentKey</c> is on, and what the verbs send when given no key.
    /// </summary>
    public const string Development = "sk-gateway-dev";

    /// <summary>The environment variable the verbs that call the gateway read their key from when <c>--key</c> is not given.</summary>
    public const string Variable = "GATEWAY_API_KEY";

    /// <summary>
    /// The key a verb calls the gateway with: <paramref name="given"/> (its <c>--key</c>) when set, else
    /// <see cref="Variable"/> when set and not empty, else <see cref="Development"/>.
    /// </summary>
    public static string Resolve(string? given) => Resolve(given, Environment.GetEnvironmentVariable(Variable));

    /// <summary>As <see cref="Resolve(string?)"/>, with <paramref name="variable"/> as the value of <see cref="Variable"/>.</summary>
    public static string Resolve(string? given, string? variable) =>
        given ?? (string.IsNullOrEmpty(variable) ? Development : variable);
}
