using System.Collections.Concurrent;
using System.Globalization;

namespace Gateway.Bench.Soak;

/// <summary>
/// Every attack class, run in rotation by <see cref="SoakRun"/>'s attack loops beside the good traffic. Each answer is
/// recorded in its key's <see cref="KeyLedger"/> and, by what it was, under its class in <see cref="Log"/>.
/// </summary>
internal sealed class Attacks(SoakClient client, SoakKeys keys, int seed)
{
    /// <summary>Tokens per minute of the burst key: a burst of 16 requests reserving 64 completion tokens each cannot all fit.</summary>
    public const int BurstTokensPerMinute = 3_000;
    public const int BurstSize = 16;
    public const int McpRequestsPerMinute = 30;
    public const decimal BudgetUsd = 0.002m;

    // The large bodies are built once: building them per request would load the machine from the caller's side.
    private static readonly byte[] Unauthenticated = new byte[7_000_000];
    private static readonly byte[] HugeRoute = Bodies.Route(1_500_000);
    private static readonly byte[] ManyTools = Bodies.ManyTools(40_000);
    private static readonly byte[] DeepNesting = Bodies.DeepNesting(500);

    private readonly Random _random = new(seed);
    private int _mcpIds;

    /// <summary>Class → what its answers were (a status, "hang-up", a tool error, "no answer") → how many.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, long>> Log { get; } = new(StringComparer.Ordinal);

    public static readonly string[] Classes =
    [
        "stream with include_usage:false", "duplicate stream_options", "hang-up mid-stream (remote)", "hang-up mid-stream (tiny)",
        $"burst of {BurstSize} under {BurstTokensPerMinute} TPM", "hostile schema pattern (tiny)", "unauthenticated 7 MB body", "1.5 MB prompt to /v1/route",
        $"MCP tool calls over {McpRequestsPerMinute} RPM", "OpenAI-Organization/Cookie/x-api-key headers", "body nested 500 deep",
        "40,000 client tools to an agent", $"chat past a ${BudgetUsd} budget",
    ];

    public Task RunAsync(int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !stop.IsCancellationRequested; i += workers)
            {
                await RunOneAsync(i % Classes.Length);
            }
        }, CancellationToken.None)));

    private async Task RunOneAsync(int index)
    {
        var name = Classes[index];
        int hangUp;
        lock (_random)
        {
            hangUp = _random.Next(1, 5);
        }

        switch (index)
        {
            case 0:
                await SendAsync(name, keys.Sneaky, "/v1/chat/completions", Bodies.Chat(Bodies.Remote, "Hello", 16, stream: true, includeUsage: hangUp % 2 == 0 ? false : null),
                    new SendOptions { ToMock = true });
                break;
            case 1:
                await SendAsync(name, keys.Sneaky, "/v1/chat/completions", Bodies.DuplicateStreamOptions());
                break;
            case 2:
                // A long answer (128 pieces, about 0.7 s): whether the gateway stops the upstream when the caller leaves shows.
                await SendAsync(name, keys.Sneaky, "/v1/chat/completions", Bodies.Chat(Bodies.Remote, "Hello", 128, stream: true),
                    new SendOptions { ToMock = true, HangUpAfter = hangUp });
                break;
            case 3:
                await SendAsync(name, keys.Sneaky, "/v1/chat/completions", Bodies.Chat(Bodies.Local, "Tell a long story.", 48, stream: true),
                    new SendOptions { HangUpAfter = hangUp });
                break;
            case 4:
                await Task.WhenAll(Enumerable.Range(0, BurstSize).Select(_ =>
                    SendAsync(name, keys.Burst, "/v1/chat/completions", Bodies.Chat(Bodies.Remote, "Hello", 64), new SendOptions { ToMock = true })));
                break;
            case 5:
                await SendAsync(name, keys.Schema, "/v1/chat/completions", Bodies.HostileSchema(hangUp + index));
                break;
            case 6:
                await SendAsync(name, null, "/v1/chat/completions", Unauthenticated);
                break;
            case 7:
                await SendAsync(name, keys.Router, "/v1/route", HugeRoute);
                break;
            case 8:
                await SendAsync(name, keys.Mcp, "/mcp", Bodies.McpCall(Interlocked.Increment(ref _mcpIds)), new SendOptions { Mcp = true });
                break;
            case 9:
                await SendAsync(name, keys.Sneaky, "/v1/chat/completions", Bodies.Chat(Bodies.Remote, "Hello", 16), new SendOptions
                {
                    ToMock = true,
                    Headers = [("OpenAI-Organization", "org-victim"), ("OpenAI-Project", "proj-victim"), ("Cookie", "session=stolen"), ("x-api-key", "sk-other")],
                });
                break;
            case 10:
                await SendAsync(name, keys.Schema, "/v1/chat/completions", DeepNesting);
                break;
            case 11:
                await SendAsync(name, keys.Schema, "/v1/chat/completions", ManyTools);
                break;
            default:
                await SendAsync(name, keys.Budget, "/v1/chat/completions", Bodies.Chat(Bodies.Remote, "Hello", 16), new SendOptions { ToMock = true });
                break;
        }
    }

    /// <summary>Class → milliseconds each of its requests took (to its answer's last byte, or to the hang-up).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<double>> Latencies { get; } = new(StringComparer.Ordinal);

    private async Task SendAsync(string attack, (KeyLedger Ledger, string Secret)? key, string path, byte[] body, SendOptions? options = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await client.SendAsync(key?.Secret, path, body, options);
        Latencies.GetOrAdd(attack, _ => new ConcurrentQueue<double>()).Enqueue(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        key?.Ledger.Record(outcome);
        var label = outcome switch
        {
            { Status: 0 } => "no answer (" + outcome.Text.Split(':')[0] + ")",
            { HungUp: true } => "hang-up",
            _ when path == "/mcp" && outcome.Text.Contains("Rate limit", StringComparison.Ordinal) => "tool error: rate limit",
            _ when path == "/mcp" && outcome.Text.Contains("\"isError\":true", StringComparison.Ordinal) => "tool error",
            _ => outcome.Status.ToString(CultureInfo.InvariantCulture),
        };
        Log.GetOrAdd(attack, _ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal)).AddOrUpdate(label, 1, (_, n) => n + 1);
    }
}
