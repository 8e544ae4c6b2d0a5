namespace Gateway.Inference.Pool;

/// <summary>The pool's mutable record of one model; guarded by <see cref="Gate"/> for starts and stops.</summary>
internal sealed class ModelInstance(string name, LocalModelOptions options, long memoryBytes)
{
    public string Name { get; } = name;
    public LocalModelOptions Options { get; set; } = options;
    public long MemoryBytes { get; set; } = memoryBytes;
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public LocalModelState State { get; set; } = LocalModelState.Unloaded;
    public IModelServerProcess? Process { get; set; }
    public Uri? BaseUri { get; set; }
    public DateTimeOffset? LastUsed { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public TimeSpan? LoadTime { get; set; }
    public int Restarts { get; set; }
    public int ConsecutiveCrashes { get; set; }
    public int HealthFailures { get; set; }

    /// <summary>Set when the supervisor kills an unhealthy server, so that its exit is reported for what it was.</summary>
    public string? RestartReason { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? RetryAt { get; set; }

    /// <summary>Set while the pool itself stops the process, so its exit is not taken for a crash.</summary>
    public bool Stopping { get; set; }

    /// <summary>Requests currently holding a <see cref="ModelLease"/>; such a model is never evicted or idled out.</summary>
    public int InFlight { get; set; }

    public bool Running => State is LocalModelState.Ready or LocalModelState.Starting;

    public LocalModelSnapshot Snapshot() => new(
        Name,
        State,
        Process?.ProcessId,
        BaseUri?.Port,
        BaseUri,
        MemoryBytes,
        LastUsed,
        Restarts,
        LastError,
        RetryAt,
        LoadTime,
        InFlight);
}
