using System.CommandLine;
using Gateway.Bench.Soak;

var gateway = new Option<FileInfo>("--gateway") { Description = "A built Gateway.Host.dll (Release), started as its own process.", Required = true };
var warmUp = new Option<int>("--warmup-seconds") { Description = "Good traffic before the baseline, not measured (JIT, the ModelServer's first batches).", DefaultValueFactory = _ => 10 };
var baseline = new Option<int>("--baseline-seconds") { Description = "Good traffic alone.", DefaultValueFactory = _ => 50 };
var attack = new Option<int>("--attack-seconds") { Description = "The same good traffic with every attack class beside it.", DefaultValueFactory = _ => 110 };
var goodWorkers = new Option<int>("--good-workers") { Description = "Concurrent loops of good traffic (spread over the good keys).", DefaultValueFactory = _ => 4 };
var attackWorkers = new Option<int>("--attack-workers") { Description = "Concurrent loops of attacks.", DefaultValueFactory = _ => 4 };
var output = new Option<DirectoryInfo>("--out") { Description = "Folder for report.md and report.json.", DefaultValueFactory = _ => new DirectoryInfo("bench/soak/results") };
var seed = new Option<int>("--seed") { Description = "Seed of the attack order and the hang-up points.", DefaultValueFactory = _ => 7 };

var root = new RootCommand(
    "Soak: a gateway process with a local tiny-GGUF model and a remote model on an in-process mock serves good traffic alone, then the same " +
    "good traffic beside every attack class; prints peak RSS, ModelServer restarts, the good keys' latency ratio and tokens charged vs served per key.")
{
    gateway, warmUp, baseline, attack, goodWorkers, attackWorkers, output, seed,
};
root.SetAction(async (parse, cancellation) =>
{
    var settings = new SoakSettings(parse.GetValue(gateway)!, TimeSpan.FromSeconds(parse.GetValue(warmUp)), TimeSpan.FromSeconds(parse.GetValue(baseline)), TimeSpan.FromSeconds(parse.GetValue(attack)),
        parse.GetValue(goodWorkers), parse.GetValue(attackWorkers), parse.GetValue(output)!, parse.GetValue(seed));
    return await SoakRun.RunAsync(settings, cancellation);
});
return await root.Parse(args).InvokeAsync();
