using System.ComponentModel.DataAnnotations;

namespace Gateway.Craft.Sandbox;

/// <summary>
/// Limits of one tool run in the JavaScript sandbox (section <c>Gateway:Craft:Sandbox</c>), and of the worker
/// processes runs happen in. Every run gets a fresh engine, so nothing a tool does survives into the next run.
/// </summary>
public sealed record SandboxOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = CraftOptions.SectionName + ":Sandbox";

    /// <summary>The worker's heap beyond <see cref="MemoryLimitBytes"/>: the runtime, the engine and one run's garbage.</summary>
    public const long WorkerMemoryHeadroomBytes = 64_000_000;

    /// <summary>Wall-clock time one run may take. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Bytes the script may allocate, checked by the engine between statements (a precise error, cheaply). One
    /// built-in call can allocate past it; <see cref="WorkerMemoryLimitBytes"/> caps that. Default 32 MB.
    /// </summary>
    [Range(1_000_000, 2_000_000_000)]
    public long MemoryLimitBytes { get; init; } = 32_000_000;

    /// <summary>Statements one run may execute. Default 5,000,000.</summary>
    [Range(1_000, int.MaxValue)]
    public int MaxStatements { get; init; } = 5_000_000;

    /// <summary>Depth of nested JavaScript calls. Default 256.</summary>
    [Range(8, 10_000)]
    public int MaxRecursionDepth { get; init; } = 256;

    /// <summary>Elements of the largest array the script may create. Default 1,000,000.</summary>
    [Range(1_000, 100_000_000)]
    public int MaxArrayLength { get; init; } = 1_000_000;

    /// <summary>Characters of the longest string built by repeat, padding, join or replace. Default 4,000,000.</summary>
    [Range(1_000, 500_000_000)]
    public int MaxStringLength { get; init; } = 4_000_000;

    /// <summary>Time one regular-expression match may take. Default 250 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Characters of code (tools and program together) one run accepts. Default 200,000.</summary>
    [Range(100, 10_000_000)]
    public int MaxCodeChars { get; init; } = 200_000;

    /// <summary>Characters of the JSON arguments one run accepts. Default 100,000.</summary>
    [Range(2, 10_000_000)]
    public int MaxInputChars { get; init; } = 100_000;

    /// <summary>Characters of the JSON a run may return. Default 100,000.</summary>
    [Range(2, 10_000_000)]
    public int MaxOutputChars { get; init; } = 100_000;

    /// <summary>Nesting depth of JSON the script may parse or return. Default 64.</summary>
    [Range(2, 1_000)]
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>
    /// Runs at once, each in its own worker process: the most workers that run code at one time. A further run
    /// waits up to <see cref="Timeout"/> for a slot. A slot comes back when its worker is idle again or, for a
    /// worker that was stopped, when its process has exited. Default: the processor count.
    /// </summary>
    [Range(1, 1_024)]
    public int MaxConcurrentRuns { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Idle worker processes kept started, so a run does not wait for a worker to start (at most
    /// <see cref="MaxConcurrentRuns"/>). A worker whose run ended stays idle up to this many; a worker that was
    /// killed (time or memory overrun, crash) is replaced in the background up to this many. The first run starts
    /// the first worker. 0 starts a worker for every run. Default 2.
    /// </summary>
    [Range(0, 64)]
    public int WarmWorkers { get; init; } = 2;

    /// <summary>
    /// The garbage-collected heap of each worker process (the .NET heap hard limit): a run that allocates past it,
    /// even inside one built-in call, fails with <see cref="SandboxErrorKind.Memory"/> and its worker is replaced.
    /// At least <see cref="MemoryLimitBytes"/> plus <see cref="WorkerMemoryHeadroomBytes"/> (64 MB).
    /// Default 256 MB.
    /// </summary>
    [Range(96_000_000, 64_000_000_000)]
    public long WorkerMemoryLimitBytes { get; init; } = 256_000_000;

    /// <summary>Time a worker process may take to start and finish its warm-up run. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The worker: <c>Gateway.Craft.Worker.dll</c> (run with the dotnet host running the gateway) or an
    /// executable. Default: <c>Gateway.Craft.Worker.dll</c> in the gateway's own folder, where the build and
    /// <c>build/publish.sh</c> put it.
    /// </summary>
    public string? WorkerPath { get; init; }

    /// <summary>Rules between options: the worker's heap holds the engine's memory limit and the runtime.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WorkerMemoryLimitBytes < MemoryLimitBytes + WorkerMemoryHeadroomBytes)
        {
            yield return new ValidationResult(
                $"WorkerMemoryLimitBytes ({WorkerMemoryLimitBytes}) must be at least MemoryLimitBytes plus {WorkerMemoryHeadroomBytes} ({MemoryLimitBytes + WorkerMemoryHeadroomBytes}).",
                [nameof(WorkerMemoryLimitBytes), nameof(MemoryLimitBytes)]);
        }
    }
}
