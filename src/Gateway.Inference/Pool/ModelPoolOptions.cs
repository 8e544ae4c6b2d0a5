using System.ComponentModel.DataAnnotations;

namespace Gateway.Inference.Pool;

/// <summary>The local model pool's own settings, bound from <c>Gateway:Pool</c>.</summary>
internal sealed record ModelPoolOptions
{
    public const string SectionName = "Gateway:Pool";

    /// <summary>Memory all running models may use together; 0 means no budget. Least recently used idle models are evicted to fit.</summary>
    [Range(0, long.MaxValue)]
    public long MemoryBudgetBytes { get; init; }

    /// <summary>A model's charge when it has no <see cref="LocalModelOptions.MemoryBytes"/>: its GGUF size times this.</summary>
    [Range(1.0, 100.0)]
    public double MemoryFactor { get; init; } = 1.2;

    /// <summary>The ModelServer executable or .dll; defaults to Gateway.ModelServer.dll beside the gateway.</summary>
    public string? ModelServerPath { get; init; }

    /// <summary>The dotnet host used to run a .dll ModelServer; defaults to the one running the gateway.</summary>
    public string? DotnetPath { get; init; }

    /// <summary>How long a model may take to load and answer its first health check.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often running models are health-checked and keep-alives are applied. Default 2 s. A check fails when the
    /// server does not answer within <see cref="HealthTimeout"/> or reports its decode loop stalled; after
    /// <see cref="HealthFailuresBeforeRestart"/> failures in a row it is killed and restarted, so a hung server is
    /// replaced within about (interval + timeout) × failures, 8 s by default.
    /// </summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one health check may take. Default 2 s.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive failed health checks after which a model server is restarted. Default 2; 1 to 100.</summary>
    [Range(1, 100)]
    public int HealthFailuresBeforeRestart { get; init; } = 2;

    /// <summary>
    /// How long a server's decode loop may make no progress while requests wait before the server reports itself
    /// stalled (and is restarted). Default 30 s; 1 s to 1 h. Passed to every ModelServer the pool starts.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a crash the server restarts at once; after a further crash before it stayed up for
    /// <see cref="StableAfter"/> (a crash loop), it waits this long, doubling with each crash. A server that fails to
    /// start waits this long before the next try. Default 1 s.
    /// </summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts.</summary>
    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When set and the catalog has no local model, the pool writes the tiny random-weight model and serves
    /// it under this name, so a bare gateway has a local model to route to. Its text is noise.
    /// </summary>
    public string? TinyModelWhenEmpty { get; init; }

    /// <summary>Where the tiny model is written; defaults to a folder under the system temp path.</summary>
    public string? TinyModelDirectory { get; init; }

    /// <summary>A model that stays up this long has its restart backoff reset.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Where model servers export their spans (OTLP, the full traces URL); unset (the default), they create none. The
    /// gateway sets it from <c>Gateway:Telemetry</c> so that a model server's spans join the gateway's traces.
    /// </summary>
    public Uri? TracesEndpoint { get; set; }

    /// <summary>The OTLP transport for <see cref="TracesEndpoint"/>: <c>http/protobuf</c> (default) or <c>grpc</c>.</summary>
    public string TracesProtocol { get; set; } = "http/protobuf";

    /// <summary>Headers for the model servers' exports (<c>key=value,…</c>), as the gateway's; default none.</summary>
    public string? TracesHeaders { get; set; }
}
