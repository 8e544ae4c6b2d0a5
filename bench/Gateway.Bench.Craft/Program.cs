using System.Diagnostics;
using System.Globalization;
using Gateway.Bench.Craft;
using Gateway.Craft.Retrieval;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Embeddings;

// The cost of running a tool in the sandbox's worker processes next to the baseline of running the same engine
// in-process (a fresh engine and thread per call, as before workers), per call and in throughput, for a trivial
// and a typical tool; then the same work in C#, and ranking tools for a problem. Interleaved rounds, so machine
// noise hits both sides alike.
//   dotnet run -c Release --project bench/Gateway.Bench.Craft -- [config/toolsets] [rounds]
var root = args.Length > 0 ? args[0] : "config/toolsets";
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var store = new FileToolsetStore(root);
var text = await store.GetAsync("text") ?? throw new InvalidOperationException($"No 'text' toolset under {root}.");
var math = await store.GetAsync("math") ?? throw new InvalidOperationException($"No 'math' toolset under {root}.");
var vowels = text.Find("count_vowels")!;
var letters = text.Find("most_common_letter")!;
var options = new SandboxOptions();
using var sandbox = new JsSandbox(options);
var inProcess = new InProcessSandbox(options);
const string Input = "The quick brown fox jumps over the lazy dog";
const int Calls = 200;
var concurrency = options.MaxConcurrentRuns;

(string Name, string Code, string Function, Func<int, string> Arguments)[] tools =
[
    ("trivial (add)", "function add({ a, b }) { return a + b; }", "add", i => $$"""{"a":{{i}},"b":2}"""),
    ("typical (most_common_letter)", letters.Code, letters.Name, i => $$"""{"text":"{{Input}} {{i}} {{Input}}"}"""),
];

var cold = Stopwatch.StartNew();
await Check(sandbox.RunToolAsync(tools[0].Code, tools[0].Function, tools[0].Arguments(0)));
var coldMs = cold.Elapsed.TotalMilliseconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first call, starting a worker: {coldMs,8:0} ms (once per worker; {options.WarmWorkers} stay warm)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"tool",-30} {"design",-12} {"p50 us",9} {"p99 us",9} {"calls/s",9}   ({concurrency} callers for calls/s)"));
foreach (var tool in tools)
{
    async Task<string?> Pool(int i) => (await Check(sandbox.RunToolAsync(tool.Code, tool.Function, tool.Arguments(i)))).Json;
    Task<string?> Baseline(int i) => inProcess.RunToolAsync(tool.Code, tool.Function, tool.Arguments(i));

    // Warm both paths (tiered compilation, the pool's workers for every caller).
    await Task.WhenAll(Enumerable.Range(0, concurrency * 4).Select(i => Pool(i)));
    await Task.WhenAll(Enumerable.Range(0, concurrency * 4).Select(Baseline));

    var (poolLatency, baseLatency) = (new List<double>(), new List<double>());
    var (poolRate, baseRate) = (new List<double>(), new List<double>());
    for (var round = 0; round < rounds; round++)
    {
        baseLatency.AddRange(await Latencies(Baseline));
        poolLatency.AddRange(await Latencies(Pool));
        baseRate.Add(await Throughput(Baseline));
        poolRate.Add(await Throughput(Pool));
    }

    var baseline = Row(tool.Name, "in-process", baseLatency, baseRate);
    var pool = Row(tool.Name, "workers", poolLatency, poolRate);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{"",-30} {"ratio",-12} {pool.P50 / baseline.P50,8:0.00}x {pool.P99 / baseline.P99,8:0.00}x {pool.Rate / baseline.Rate,8:0.00}x   (workers / in-process)"));
}

static async Task<double[]> Latencies(Func<int, Task<string?>> run)
{
    var times = new double[Calls];
    for (var i = 0; i < Calls; i++)
    {
        var watch = Stopwatch.StartNew();
        _ = await run(i);
        times[i] = watch.Elapsed.TotalMicroseconds;
    }

    return times;
}

async Task<double> Throughput(Func<int, Task<string?>> run)
{
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async caller =>
    {
        for (var i = caller; i < Calls; i += concurrency)
        {
            _ = await run(i);
        }
    }));
    return Calls / watch.Elapsed.TotalSeconds;
}

static (double P50, double P99, double Rate) Row(string tool, string design, List<double> latencies, List<double> rates)
{
    var sorted = latencies.Order().ToArray();
    var (p50, p99, rate) = (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], rates.Order().ElementAt(rates.Count / 2));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tool,-30} {design,-12} {p50,9:0} {p99,9:0} {rate,9:0}"));
    return (p50, p99, rate);
}

static async Task<SandboxResult> Check(Task<SandboxResult> run)
{
    var result = await run;
    return result.Succeeded ? result : throw new InvalidOperationException(result.ToString());
}

// The same work in C#, and retrieval, for scale.
static int CountVowels(string s) => s.Count(c => "aeiouAEIOU".Contains(c, StringComparison.Ordinal));
var index = ToolIndex.Build([text, math], PromptEncoders.Default);
var guess = new ToolGuess(["vowel_counter"], "Counts the vowels in a string.", true);
index.Rank("How many vowels are in 'queue'?", guess);
var (sandboxTimes, directTimes, rankTimes) = (new List<double>(), new List<double>(), new List<double>());
for (var round = 0; round < rounds; round++)
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < Calls; i++)
    {
        await Check(sandbox.RunToolAsync(vowels.Code, vowels.Name, $$"""{"text":"{{Input}} {{i}}"}"""));
    }

    sandboxTimes.Add(watch.Elapsed.TotalMicroseconds / Calls);
    watch.Restart();
    var sink = 0;
    for (var i = 0; i < Calls * 100; i++)
    {
        sink += CountVowels(Input + " " + i);
    }

    directTimes.Add(watch.Elapsed.TotalMicroseconds / (Calls * 100));
    GC.KeepAlive(sink);
    watch.Restart();
    for (var i = 0; i < 20; i++)
    {
        index.Rank($"How many vowels are in word number {round * 20 + i}?", guess);
    }

    rankTimes.Add(watch.Elapsed.TotalMicroseconds / 20);
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
var (s, d, r) = (Median(sandboxTimes), Median(directTimes), Median(rankTimes));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sandbox tool call (count_vowels): {s,10:0.0} us/call (median of {rounds} rounds of {Calls})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"same work in C#:                  {d,10:0.000} us/call"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio sandbox / C#:               {s / d,10:0}x"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retrieval rank ({index.Count} tools, MiniLM): {r,10:0.0} us/problem"));
