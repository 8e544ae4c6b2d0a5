using System.ComponentModel.DataAnnotations;

namespace Gateway.Craft.Sandbox;

/// <summary>
/// Limits of one tool run in the JavaScript sandbox (section <c>Gateway:Craft:Sandbox</c>). Every run gets a
/// fresh engine, so nothing a tool does survives into the next run.
/// </summary>
public sealed record SandboxOptions
{
    /// <summary>Wall-clock time one run may take. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bytes the script may allocate (checked between statements). Default 32 MB.</summary>
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

    /// <summary>Runs at once; further runs wait. Default: the processor count.</summary>
    [Range(1, 1_024)]
    public int MaxConcurrentRuns { get; init; } = Environment.ProcessorCount;
}
