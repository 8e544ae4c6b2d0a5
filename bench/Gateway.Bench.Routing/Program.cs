using System.CommandLine;
using BenchmarkDotNet.Running;
using Gateway.Routing;

// `router …` runs the router verbs (train/eval/onboard/loo) for offline experiments; anything else runs the benchmarks.
if (args.Length > 0 && args[0] == "router")
{
    var root = new RootCommand("Gateway router tools") { RouterCommands.Create() };
    return root.Parse(args).Invoke();
}

if (args.Length > 0 && args[0] == "tune")
{
    return Gateway.Bench.Routing.Experiments.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
