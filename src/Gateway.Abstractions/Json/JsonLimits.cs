namespace Gateway;

/// <summary>Limits every JSON reader of the gateway applies to what callers send.</summary>
public static class JsonLimits
{
    /// <summary>
    /// Deepest nesting accepted in a request body: System.Text.Json's own default, so every later parse of a
    /// body the front door accepted (routing, caching, agents, the ModelServer) accepts it too.
    /// </summary>
    public const int MaxDepth = 64;
}
