using System.ComponentModel.DataAnnotations;

namespace Gateway.Inference.Pool;

/// <summary>The local model pool's own settings, bound from <c>Gateway:Pool</c>.</summary>
public sealed record ModelPoolOptions
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

    /// <summary>How often running models are health-checked and keep-alives are applied.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one health check may take.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Consecutive failed health checks after which a model server is restarted.</summary>
    [Range(1, 100)]
    public int HealthFailuresBeforeRestart { get; init; } = 3;

    /// <summary>Wait before the first restart after a crash; doubles on each further crash.</summary>
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
}
