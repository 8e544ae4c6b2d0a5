using System.Collections.Frozen;
using Gateway.Catalog;
using Gateway.Host.Configuration;

namespace Gateway.Host.Catalog;

/// <summary>Builds and validates a <see cref="CatalogSnapshot"/> from <c>Gateway:Models</c>.</summary>
internal static class CatalogBuilder
{
    public const string SectionName = "Gateway:Models";

    /// <summary>Where an <c>anthropic</c> model without a base URL is sent.</summary>
    public const string AnthropicBaseUrl = "https://api.anthropic.com/v1";

    private static readonly HashSet<string> LoadBalancingPolicies = new(StringComparer.Ordinal)
    {
        "PowerOfTwoChoices", "RoundRobin", "LeastRequests", "Random", "FirstAlphabetical",
    };

    public static CatalogSnapshot Build(IConfiguration configuration, Func<string, string?> environment, IEnumerable<string>? poolModels = null)
    {
        var models = new List<CatalogModel>();
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            ModelOptions options;
            try
            {
                options = section.Get<ModelOptions>() ?? new ModelOptions();
            }
            catch (InvalidOperationException ex)
            {
                throw new ConfigurationException(ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}", ex);
            }

            models.Add(BuildModel(section.Key, section.Path, options, environment));
        }

        // Local models the pool serves without a catalog entry of their own (the built-in tiny model).
        foreach (var name in poolModels ?? [])
        {
            if (!models.Any(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                models.Add(BuildModel(name, $"{SectionName}:{name}", new ModelOptions { Provider = ModelProviders.Local, Tags = ["local"] }, environment));
            }
        }

        var names = models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (model.Fallbacks.FirstOrDefault(f => !names.Contains(f)) is { } unknown)
            {
                throw new ConfigurationException($"{SectionName}:{model.Name}:Fallbacks: unknown model '{unknown}'.");
            }
        }

        return new CatalogSnapshot(models);
    }

    internal static CatalogModel BuildModel(string name, string path, ModelOptions options, Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace))
        {
            throw new ConfigurationException($"{path}: model names must be non-empty and contain no spaces.");
        }

        if (name.Equals("auto", StringComparison.OrdinalIgnoreCase) || name.StartsWith("auto:", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("agent:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException($"{path}: '{name}' is reserved for routing profiles and agents.");
        }

        var isLocal = options.Provider == ModelProviders.Local;
        var isAnthropic = options.Provider == ModelProviders.Anthropic;
        if (!isLocal && !isAnthropic && options.Provider != ModelProviders.OpenAICompatible)
        {
            throw new ConfigurationException(
                $"{path}:Provider: unknown provider '{options.Provider}' (expected '{ModelProviders.OpenAICompatible}', '{ModelProviders.Local}' or '{ModelProviders.Anthropic}').");
        }

        var urls = options.BaseUrls.Where(u => !string.IsNullOrWhiteSpace(u)).ToList();
        if (!string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            urls.Insert(0, options.BaseUrl);
        }

        if (urls.Count == 0 && isAnthropic)
        {
            urls.Add(AnthropicBaseUrl);
        }

        if (isAnthropic && (options.DefaultMaxTokens is < 1 or > 1_000_000
            || string.IsNullOrWhiteSpace(options.AnthropicVersion) || options.AnthropicVersion.Any(c => c is <= ' ' or >= '\x7f')))
        {
            throw new ConfigurationException($"{path}: DefaultMaxTokens must be between 1 and 1,000,000 and AnthropicVersion a non-empty header value.");
        }

        if (urls.Count == 0 && !isLocal)
        {
            throw new ConfigurationException($"{path}: an '{ModelProviders.OpenAICompatible}' model needs BaseUrl or BaseUrls.");
        }

        var destinations = isLocal ? [] : urls.Distinct(StringComparer.Ordinal).Select(u => ParseUrl(path, u)).ToList();
        ValidateNonNegative(path, nameof(options.InputPricePerMTok), options.InputPricePerMTok);
        ValidateNonNegative(path, nameof(options.OutputPricePerMTok), options.OutputPricePerMTok);
        if (options.ParamsB is <= 0 || options.ContextLength is <= 0)
        {
            throw new ConfigurationException($"{path}: ParamsB and ContextLength must be positive when set.");
        }

        if (!LoadBalancingPolicies.Contains(options.LoadBalancing))
        {
            throw new ConfigurationException(
                $"{path}:LoadBalancing: unknown policy '{options.LoadBalancing}' (expected one of {string.Join(", ", LoadBalancingPolicies)}).");
        }

        var resilience = BuildResilience(path, options);
        if (options.MaxEventBytes is < 1024 or > 256 * 1024 * 1024)
        {
            throw new ConfigurationException($"{path}:MaxEventBytes must be between 1 KiB and 256 MiB.");
        }

        var upstreamModel = string.IsNullOrWhiteSpace(options.UpstreamModel) ? name : options.UpstreamModel;
        string? authorization = null, apiKey = null;
        if (!string.IsNullOrWhiteSpace(options.ApiKeyEnv))
        {
            var key = environment(options.ApiKeyEnv);
            apiKey = string.IsNullOrEmpty(key) ? null : key;
            authorization = apiKey is null || isAnthropic ? null : "Bearer " + apiKey;
        }

        return new CatalogModel
        {
            Descriptor = new ModelDescriptor(name, options.Provider, options.ParamsB, options.InputPricePerMTok,
                options.OutputPricePerMTok, options.ContextLength, options.ReleaseDate, options.Tags.ToArray()),
            ClusterId = "model/" + name,
            IsLocal = isLocal,
            Destinations = destinations,
            IsAnthropic = isAnthropic,
            UpstreamApiKey = isAnthropic ? apiKey : null,
            AnthropicVersion = options.AnthropicVersion,
            DefaultMaxTokens = options.DefaultMaxTokens,
            UpstreamModel = upstreamModel,
            UpstreamModelJson = CatalogModel.EncodeJsonString(upstreamModel),
            UpstreamAuthorization = authorization,
            LoadBalancing = options.LoadBalancing,
            Timeout = options.Timeout,
            MaxEventBytes = options.MaxEventBytes,
            Resilience = resilience,
            HealthCheck = options.HealthCheck,
            ForwardHeaders = BuildForwardHeaders(path, options.ForwardHeaders),
            Fallbacks = options.Fallbacks.Where(f => !string.IsNullOrWhiteSpace(f) && f != name).Distinct(StringComparer.Ordinal).ToArray(),
        };
    }

    /// <summary>Caller headers every upstream gets: content negotiation, the client's name and the trace context.</summary>
    public static readonly string[] DefaultForwardHeaders = ["accept", "user-agent", "traceparent", "tracestate"];

    // The gateway sets these itself, or they would undo what the allow-list is for.
    private static readonly HashSet<string> NeverForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "host", "content-length", "content-type",
        "content-encoding", "accept-encoding", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
        "x-request-id", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded",
        // The gateway's own: a local model's admission priority and a batch line's proof are never a caller's to send.
        "x-gateway-priority", "x-gateway-batch-line", "x-gateway-batch-key",
    };

    private static System.Collections.Frozen.FrozenSet<string> BuildForwardHeaders(string path, IEnumerable<string> configured)
    {
        var headers = new HashSet<string>(DefaultForwardHeaders, StringComparer.Ordinal);
        foreach (var header in configured.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim().ToLowerInvariant()))
        {
            if (NeverForwarded.Contains(header) || header.Any(c => c is <= ' ' or >= '\x7f' or ':'))
            {
                throw new ConfigurationException($"{path}:ForwardHeaders: '{header}' cannot be forwarded.");
            }

            headers.Add(header);
        }

        return headers.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    private static UpstreamResilience BuildResilience(string path, ModelOptions options)
    {
        foreach (var (field, value) in new[]
        {
            (nameof(options.Timeout), options.Timeout),
            (nameof(options.FirstByteTimeout), options.FirstByteTimeout),
            (nameof(options.TotalTimeout), options.TotalTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ConfigurationException($"{path}:{field} must be positive.");
            }
        }

        var breaker = options.CircuitBreaker;
        if (options.MaxRetries is < 0 or > 10)
        {
            throw new ConfigurationException($"{path}:MaxRetries must be between 0 and 10.");
        }

        // Polly's own ranges: a ratio in (0,1], at least 2 calls, windows of at least 0.5 s.
        if (breaker.FailureRatio is <= 0 or > 1 || breaker.MinimumThroughput < 2
            || breaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || breaker.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            throw new ConfigurationException(
                $"{path}:CircuitBreaker: FailureRatio must be in (0,1], MinimumThroughput at least 2, SamplingDuration and BreakDuration at least 0.5 s.");
        }

        return new UpstreamResilience(options.FirstByteTimeout, options.TotalTimeout, options.MaxRetries,
            breaker.FailureRatio, breaker.MinimumThroughput, breaker.SamplingDuration, breaker.BreakDuration);
    }

    private static Uri ParseUrl(string path, string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigurationException($"{path}: '{value}' is not an absolute http(s) URL.");
        }

        return uri;
    }

    private static void ValidateNonNegative(string path, string field, decimal value)
    {
        if (value < 0)
        {
            throw new ConfigurationException($"{path}:{field} must not be negative.");
        }
    }
}
