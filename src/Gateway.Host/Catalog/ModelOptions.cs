namespace Gateway.Host.Catalog;

/// <summary>
/// One catalog entry, section <c>Gateway:Models:&lt;name&gt;</c>. The section key is the model's
/// public name, e.g. <c>Gateway__Models__gpt4o__BaseUrl=http://127.0.0.1:9000/v1</c>.
/// </summary>
public sealed class ModelOptions
{
    /// <summary><c>openai-compatible</c> (default) or <c>local</c>.</summary>
    public string Provider { get; set; } = Gateway.Catalog.ModelProviders.OpenAICompatible;

    /// <summary>Base URL of the upstream's OpenAI API, ending in the version segment, e.g. <c>http://host:8000/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Several base URLs are replicas of one model; requests are load-balanced over them.</summary>
    public List<string> BaseUrls { get; set; } = [];

    /// <summary>The model id the upstream expects; defaults to the catalog name.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>Name of the environment variable holding the upstream's API key, if it needs one.</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>YARP load-balancing policy over replicas (PowerOfTwoChoices, RoundRobin, LeastRequests, Random, FirstAlphabetical).</summary>
    public string LoadBalancing { get; set; } = "PowerOfTwoChoices";

    /// <summary>Longest wait for the upstream to send anything (headers or the next body bytes).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Parameter count in billions.</summary>
    public double? ParamsB { get; set; }

    /// <summary>USD per million prompt tokens.</summary>
    public decimal InputPricePerMTok { get; set; }

    /// <summary>USD per million completion tokens.</summary>
    public decimal OutputPricePerMTok { get; set; }

    /// <summary>Maximum context in tokens.</summary>
    public int? ContextLength { get; set; }

    /// <summary>Release date (yyyy-MM-dd).</summary>
    public DateOnly? ReleaseDate { get; set; }

    /// <summary>Free-form labels.</summary>
    public List<string> Tags { get; set; } = [];
}
