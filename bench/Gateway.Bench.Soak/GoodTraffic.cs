using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gateway.Bench.Soak;

/// <summary>
/// Ordinary traffic of the good keys, in a fixed rotation of operations: chat to the remote and the local model,
/// streamed (asking for usage) and not, embeddings, and routed <c>auto</c> chat. Each answer's latency (to its last
/// byte) is logged under the phase.
/// </summary>
internal sealed class GoodTraffic(SoakClient client, IReadOnlyList<(KeyLedger Ledger, string Secret)> keys, LatencyLog latencies)
{
    private static readonly (string Name, string Path, Func<byte[]> Body, SendOptions Options)[] Operations =
    [
        ("chat remote", "/v1/chat/completions", () => Bodies.Chat(Bodies.Remote, "What is 2 plus 3?", 16), new SendOptions { ToMock = true }),
        ("chat remote, streamed", "/v1/chat/completions", () => Bodies.Chat(Bodies.Remote, "What is 2 plus 3?", 16, stream: true), new SendOptions { ToMock = true }),
        ("chat tiny", "/v1/chat/completions", () => Bodies.Chat(Bodies.Local, "Reverse the word 'garden'.", 8), new SendOptions()),
        ("chat tiny, streamed", "/v1/chat/completions", () => Bodies.Chat(Bodies.Local, "Reverse the word 'garden'.", 8, stream: true), new SendOptions()),
        ("embeddings remote", "/v1/embeddings", () => Bodies.Embeddings(Bodies.Remote, "hello world"), new SendOptions { ToMock = true }),
        ("chat auto", "/v1/chat/completions", () => Bodies.Chat("auto", "What is 7 plus 5? Answer with the number.", 8), new SendOptions()),
    ];

    public static IEnumerable<string> OperationNames => Operations.Select(o => o.Name);

    public Task RunAsync(string phase, int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var (ledger, secret) = keys[worker % keys.Count];
            for (var i = worker; !stop.IsCancellationRequested; i++)
            {
                var (name, path, body, options) = Operations[i % Operations.Length];
                var started = Stopwatch.GetTimestamp();
                var outcome = await client.SendAsync(secret, path, body(), options);
                latencies.Add(phase, name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome.Status);
                ledger.Record(outcome);
            }
        }, CancellationToken.None)));
}

/// <summary>Latencies of the good traffic by phase and operation.</summary>
internal sealed class LatencyLog
{
    private readonly ConcurrentQueue<(string Phase, string Operation, double Milliseconds, int Status)> _entries = new();

    public void Add(string phase, string operation, double milliseconds, int status) => _entries.Enqueue((phase, operation, milliseconds, status));

    public int Count(string phase, string? operation = null) => Select(phase, operation).Count();

    /// <summary>Answers that were not a 200 (a good key should see none).</summary>
    public int Failures(string phase) => _entries.Count(e => e.Phase == phase && e.Status != 200);

    /// <summary>The <paramref name="percentile"/>th latency (nearest rank), in milliseconds; NaN without entries.</summary>
    public double Percentile(string phase, double percentile, string? operation = null) => Percentile(Select(phase, operation), percentile);

    /// <summary>The <paramref name="percentile"/>th of <paramref name="values"/> (nearest rank); NaN without values.</summary>
    public static double Percentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private IEnumerable<double> Select(string phase, string? operation) =>
        _entries.Where(e => e.Phase == phase && (operation is null || e.Operation == operation)).Select(e => e.Milliseconds);
}
