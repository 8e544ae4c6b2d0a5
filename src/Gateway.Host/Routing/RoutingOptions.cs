namespace Gateway.Host.Routing;

/// <summary>
/// Section <c>Gateway:Routing</c>: where the trained router lives and the named profiles callers
/// pick with <c>model: "auto"</c> (profile <c>default</c>) or <c>model: "auto:NAME"</c>.
/// </summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Gateway:Routing";

    /// <summary>Folder of the router artefact (<c>router.json</c> + weights); relative to the content root.</summary>
    public string ArtifactDirectory { get; set; } = "config/router/pool";

    /// <summary>Model used for routed requests when the router cannot be loaded; none means such requests get 503.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>How many ranked candidates a routed request may fall back through.</summary>
    public int MaxCandidates { get; set; } = 3;

    /// <summary>
    /// Characters of a prompt the router reads (its start); default 32,768. The rest still counts towards the prompt's
    /// length where the router checks context and price. Bounds the CPU one routing decision can cost.
    /// </summary>
    public int MaxPromptChars { get; set; } = 32_768;

    /// <summary>Named profiles; <c>default</c> serves plain <c>auto</c>.</summary>
    public Dictionary<string, RouteProfileOptions> Profiles { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A routing profile: objective weights and hard constraints.</summary>
public sealed class RouteProfileOptions
{
    /// <summary>Weight on expected price (0 = ignore cost).</summary>
    public double Cost { get; set; }

    /// <summary>Weight on parameter count.</summary>
    public double Size { get; set; }

    /// <summary>Weight on expected latency.</summary>
    public double Latency { get; set; }

    /// <summary>Weight on model age.</summary>
    public double Age { get; set; }

    /// <summary>Only these models (empty = all).</summary>
    public List<string> Allow { get; set; } = [];

    /// <summary>Never these models.</summary>
    public List<string> Deny { get; set; } = [];

    /// <summary>Drop models whose input or output price per million tokens exceeds this.</summary>
    public double? MaxPricePerMTok { get; set; }

    /// <summary>Completion tokens reserved when checking context length and pricing a call.</summary>
    public int ExpectedOutputTokens { get; set; } = 256;
}
