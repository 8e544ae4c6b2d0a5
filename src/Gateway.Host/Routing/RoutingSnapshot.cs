using Gateway.Host.Configuration;

namespace Gateway.Host.Routing;

/// <summary>Validated routing settings; replaced whole on reload.</summary>
internal sealed record RoutingSnapshot(string ArtifactDirectory, string? DefaultModel, int MaxCandidates, IReadOnlyDictionary<string, RouteProfileOptions> Profiles)
{
    /// <summary>See <see cref="RoutingOptions.MaxPromptChars"/>.</summary>
    public int MaxPromptChars { get; init; } = 32_768;

    public const string DefaultProfile = "default";

    public static RoutingSnapshot Build(IConfiguration configuration, string contentRoot)
    {
        RoutingOptions options;
        try
        {
            options = configuration.GetSection(RoutingOptions.SectionName).Get<RoutingOptions>() ?? new RoutingOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException(ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}", ex);
        }

        if (options.MaxCandidates is < 1 or > 20)
        {
            throw new ConfigurationException($"{RoutingOptions.SectionName}:MaxCandidates must be between 1 and 20.");
        }

        if (options.MaxPromptChars is < 256 or > 10_000_000)
        {
            throw new ConfigurationException($"{RoutingOptions.SectionName}:MaxPromptChars must be between 256 and 10,000,000.");
        }

        foreach (var (name, profile) in options.Profiles)
        {
            if (name.Contains(':', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(name))
            {
                throw new ConfigurationException($"{RoutingOptions.SectionName}:Profiles: '{name}' is not a valid profile name.");
            }

            if (new[] { profile.Cost, profile.Size, profile.Latency, profile.Age }.Any(w => w is < 0 or > 100 || double.IsNaN(w))
                || profile.ExpectedOutputTokens is < 1 or > 1_000_000 || profile.MaxPricePerMTok is < 0)
            {
                throw new ConfigurationException(
                    $"{RoutingOptions.SectionName}:Profiles:{name}: weights must be in [0, 100], ExpectedOutputTokens positive, MaxPricePerMTok not negative.");
            }
        }

        var profiles = new Dictionary<string, RouteProfileOptions>(options.Profiles, StringComparer.Ordinal);
        profiles.TryAdd(DefaultProfile, new RouteProfileOptions());
        var directory = Path.IsPathRooted(options.ArtifactDirectory) ? options.ArtifactDirectory : Path.Combine(contentRoot, options.ArtifactDirectory);
        return new RoutingSnapshot(directory, string.IsNullOrWhiteSpace(options.DefaultModel) ? null : options.DefaultModel, options.MaxCandidates, profiles)
        {
            MaxPromptChars = options.MaxPromptChars,
        };
    }

    /// <summary>The routing text of a request body (its first <see cref="MaxPromptChars"/> characters) and the whole prompt's token estimate.</summary>
    public (string Prompt, int Tokens) PromptOf(System.Text.Json.JsonElement root, FrontDoor.OpenAIOperation operation)
    {
        var prompt = PromptText.Extract(root, operation, MaxPromptChars, out var total);
        return (prompt, (int)Math.Clamp((total + 3) / 4, 1, int.MaxValue));
    }

    /// <summary>The profile named by <c>auto</c> / <c>auto:NAME</c>, or null when there is none.</summary>
    public RouteProfileOptions? Profile(string? name) =>
        Profiles.TryGetValue(string.IsNullOrEmpty(name) ? DefaultProfile : name, out var profile) ? profile : null;
}
