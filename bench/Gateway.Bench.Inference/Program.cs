using System.CommandLine;
using Gateway.Bench.Inference;
using Gateway.Cli.Inference;

var root = new RootCommand("Local inference benchmark: tokens/s through the ModelServer HTTP API versus LLamaSharp in-process.");
root.Subcommands.Add(InferenceCommands.CreateModelCommand());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(BatchLatencyCommand.Create());
root.Subcommands.Add(AbiCommand.Create());
root.Subcommands.Add(TemplateBench.Create());
return await root.Parse(args).InvokeAsync();
