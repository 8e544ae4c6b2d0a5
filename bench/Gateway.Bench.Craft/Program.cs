using System.Diagnostics;
using System.Globalization;
using Gateway.Craft.Retrieval;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Routing;

// The cost of running a tool in the sandbox (fresh engine and thread per call) next to the same work in C#,
// and of ranking tools for a problem, in interleaved rounds so machine noise hits both sides alike.
//   dotnet run -c Release --project bench/Gateway.Bench.Craft -- [config/toolsets] [rounds]
var root = args.Length > 0 ? args[0] : "config/toolsets";
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var store = new FileToolsetStore(root);
var text = await store.GetAsync("text") ?? throw new InvalidOperationException($"No 'text' toolset under {root}.");
var math = await store.GetAsync("math") ?? throw new InvalidOperationException($"No 'math' toolset under {root}.");
var vowels = text.Find("count_vowels")!;
using var sandbox = new JsSandbox();
const string Input = "The quick brown fox jumps over the lazy dog";
const int Calls = 200;

static int CountVowels(string s) => s.Count(c => "aeiouAEIOU".Contains(c, StringComparison.Ordinal));

var index = ToolIndex.Build([text, math], RouterFactory.DefaultEncoder);
var guess = new ToolGuess(["vowel_counter"], "Counts the vowels in a string.", true);
await sandbox.RunToolAsync(vowels.Code, vowels.Name, $$"""{"text":"{{Input}}"}""");
index.Rank("How many vowels are in 'queue'?", guess);

var sandboxTimes = new List<double>();
var directTimes = new List<double>();
var rankTimes = new List<double>();
for (var round = 0; round < rounds; round++)
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < Calls; i++)
    {
        var result = await sandbox.RunToolAsync(vowels.Code, vowels.Name, $$"""{"text":"{{Input}} {{i}}"}""");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.ToString());
        }
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
