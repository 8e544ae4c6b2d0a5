using System.CommandLine;
using System.Globalization;
using BenchmarkDotNet.Running;
using Gateway.Bench.Routing;
using Gateway.Cli.Routing;
using Gateway.Embeddings;

// `router …`: the router verbs (train/eval/onboard/loo), for offline runs without the gateway host.
// `p99 [N]`: per-call latency percentiles. `p99-data DATA ROUTER [SPLIT]`: the same over a data set's prompts. `tune DATA CACHE k=v…`: hyper-parameter comparisons.
// `costed DATA OUT`: a priced data set's variant with per-call costs and no price list.
// `validation DATA OUT`: DATA's train split alone, a fifth of it relabelled test, for choosing configurations.
// Anything else runs the BenchmarkDotNet benchmarks (for example `--filter *`).
return args.FirstOrDefault() switch
{
    "router" => new RootCommand("Gateway router tools") { RouterCommands.Create() }.Parse(args).Invoke(),
    "p99" => LatencyProbe.Run(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : MiniLmPromptEncoder.DefaultMaxTokens,
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0),
    "p99-data" when args.Length >= 3 => LatencyProbe.RunOnData(args[1], args[2], args.Length > 3 ? args[3] : "test"),
    "tune" => Experiments.Run(args),
    "costed" when args.Length >= 3 => CostedVariant.Run(args[1], args[2]),
    "validation" when args.Length >= 3 => ValidationVariant.Run(args[1], args[2]),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(DecisionBenchmarks).Assembly).Run(args);
    return 0;
}
