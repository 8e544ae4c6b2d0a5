namespace Gateway.Host.Catalog;

/// <summary>
/// One catalog entry, section <c>Gateway:Models:&lt;name&gt;</c>. The section key is the model's
/// public name, e.g. <c>Gateway__Models__gpt4o__BaseUrl=http://127.0.0.1:9000/v1</c>.
/// </summary>
public sealed class ModelOptions
{
    /// <summary><c>openai-compatible</c> (default), <c>local</c> or <c>anthropic</c> (an upstream that speaks Anthropic's Messages API).</summary>
    public string Provider { get; set; } = Gateway.Catalog.ModelProviders.OpenAICompatible;

    /// <summary>
    /// Base URL of the upstream's API, ending in the version segment, e.g. <c>http://host:8000/v1</c>; for an
    /// <c>anthropic</c> model it defaults to <c>https://api.anthropic.com/v1</c>.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Several base URLs are replicas of one model; requests are load-balanced over them.</summary>
    public List<string> BaseUrls { get; set; } = [];

    /// <summary>The model id the upstream expects; defaults to the catalog name.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>
    /// Name of the environment variable holding the upstream's API key, if it needs one: sent as
    /// <c>Authorization: Bearer</c>, or as <c>x-api-key</c> to an <c>anthropic</c> upstream.
    /// </summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>The <c>anthropic-version</c> header sent to an <c>anthropic</c> upstream. Default <c>2023-06-01</c>.</summary>
    public string AnthropicVersion { get; set; } = "2023-06-01";

    /// <summary>
    /// The <c>max_tokens</c> sent to an <c>anthropic</c> upstream when the caller gives none (the Messages API
    /// requires one). Default 4096; 1 to 1,000,000.
    /// </summary>
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>YARP load-balancing policy over replicas (PowerOfTwoChoices, RoundRobin, LeastRequests, Random, FirstAlphabetical).</summary>
    public string LoadBalancing { get; set; } = "PowerOfTwoChoices";

    /// <summary>Longest silence from the upstream once it has answered: between two reads of a streamed body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait for the upstream's response headers (time to first byte), per attempt.</summary>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest a whole request may take, streaming included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Largest single server-sent event accepted from the upstream, in bytes; a larger one ends the stream with the
    /// usual error event instead of being buffered. Default 4 MiB.
    /// </summary>
    public int MaxEventBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Retries against the same model after connection failures or 429/502/503, before any byte reached the client.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Caller headers forwarded to this model's upstream besides the default ones (<c>Accept</c>, <c>User-Agent</c>,
    /// <c>traceparent</c>, <c>tracestate</c>); every other caller header is dropped, so a caller cannot pick the
    /// organization or project a shared upstream key bills (<c>OpenAI-Organization</c>, <c>OpenAI-Project</c>), pass
    /// cookies or credentials, or ask for a compressed answer the gateway could not count. Credentials and
    /// connection headers cannot be listed.
    /// </summary>
    public List<string> ForwardHeaders { get; set; } = [];

    /// <summary>Models to try, in order, when this one fails before answering (for explicit, not routed, requests).</summary>
    public List<string> Fallbacks { get; set; } = [];

    /// <summary>The per-destination circuit breaker.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>YARP health checks of the replicas.</summary>
    public HealthCheckOptions HealthCheck { get; set; } = new();

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

/// <summary>Circuit breaker per upstream destination: an open circuit takes the destination out of rotation.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Share of failed calls in the sampling window that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the window before the ratio counts.</summary>
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>Window over which failures are counted.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit stays open before one probe call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// YARP health checks: active probes of each replica and passive marking of replicas whose
/// requests fail at the transport level. Unhealthy replicas leave rotation until they recover.
/// </summary>
public sealed class HealthCheckOptions
{
    /// <summary>Probe each replica periodically.</summary>
    public bool Active { get; set; }

    /// <summary>Path probed, relative to the base URL (e.g. <c>/models</c> → <c>http://host/v1/models</c>).</summary>
    public string ActivePath { get; set; } = "/models";

    public TimeSpan ActiveInterval { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan ActiveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Mark a replica unhealthy when its transport failure rate is high.</summary>
    public bool Passive { get; set; } = true;

    /// <summary>How long a passively marked replica stays out of rotation.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(30);
}
