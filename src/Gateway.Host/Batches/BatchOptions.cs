using System.ComponentModel.DataAnnotations;

namespace Gateway.Host.Batches;

/// <summary>The Batches API (<c>/v1/files</c>, <c>/v1/batches</c>), bound from <c>Gateway:Batches</c>.</summary>
public sealed class BatchOptions
{
    public const string SectionName = "Gateway:Batches";

    /// <summary>
    /// Where files, batches and finished lines are kept when no Redis is configured; relative paths are under the
    /// content root. Default <c>data/batches</c>. A gateway started on the same directory resumes its unfinished batches.
    /// </summary>
    public string Directory { get; set; } = "data/batches";

    /// <summary>Largest file accepted by <c>POST /v1/files</c>; larger uploads get 413. Default 100 MiB; 1 KiB to 1 GiB.</summary>
    [Range(1024, 1L << 30)]
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Most request lines in one batch's input file; more is a 400 at create. Default 50,000 (OpenAI's); 1 to 1,000,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxLines { get; set; } = 50_000;

    /// <summary>
    /// Batch lines in flight at once across all batches. Default 2; 1 to 256. Keep it below the local models'
    /// <c>ParallelSequences</c>: lines never wait in front of interactive requests, but each one in flight holds a sequence.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrentLines { get; set; } = 2;

    /// <summary>Tries per line while the front door answers 429 or 503 (waiting its <c>Retry-After</c>, at most 30 s). Default 3; 1 to 20.</summary>
    [Range(1, 20)]
    public int MaxLineAttempts { get; set; } = 3;

    /// <summary>
    /// How long a replica's claim on a running batch lasts unless extended (it is, every third of it, while the batch
    /// runs), and how often replicas sharing Redis look for batches whose replica stopped. Default 30 s; 5 s to 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);
}
