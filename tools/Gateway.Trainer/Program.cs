using System.CommandLine;
using System.Diagnostics;
using Gateway.Inference.Gguf;
using Gateway.Trainer;
using Spectre.Console;

LibTorchCompat.EnsureLoadable();
var root = new RootCommand("Trains tiny llama-architecture models on the aptitude suite's task families and writes them as GGUF for the local pool.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

namespace Gateway.Trainer
{
    internal static class TrainCommand
    {
        public static Command Create()
        {
            var name = new Option<string>("--name") { Description = "The model's name (GGUF general.name).", Required = true };
            var families = new Option<string>("--families") { Description = "Comma-separated aptitude task families to train on (see `aptitude list`)." };
            var traces = new Option<FileInfo?>("--traces") { Description = "Train on agent traces (JSON lines, one role-model call each) instead of task families." };
            var roles = new Option<string?>("--roles") { Description = "With --traces: comma-separated roles to keep (agent/role, agent/*, */role or role); all when left out." };
            var show = new Option<int>("--show") { Description = "With --eval-traces: print this many held-out completions per role, greedy, beside the expected ones.", DefaultValueFactory = _ => 0 };
            var copyShare = new Option<double>("--copy-share") { Description = "Share of steps (0 to 1) spent on a copying drill that shortens the plateau before a small model learns to copy spans.", DefaultValueFactory = _ => 0 };
            var copyRepeat = new Option<double>("--copy-repeat") { Description = "Share (0 to 1) of copying-drill examples that repeat a whole message instead of copying a quoted span; repeating forms the copying attention fastest.", DefaultValueFactory = _ => 0 };
            var stopAfter = new Option<int?>("--stop-after") { Description = "Stop (and checkpoint) at this step, the learning-rate schedule unchanged: the first phase of a run resumed with --checkpoint." };
            var copyNumbers = new Option<double>("--copy-numbers") { Description = "Share (0 to 1) of copying-drill examples that answer with the message's numbers in order (finding where a number starts).", DefaultValueFactory = _ => 0 };
            var copyWarmup = new Option<int>("--copy-warmup") { Description = "Steps at the start spent on the copying drill only.", DefaultValueFactory = _ => 0 };
            var evalTraces = new Option<FileInfo?>("--eval-traces") { Description = "With --traces: held-out traces (another seed), scored per role by exact match of the completion after training." };
            var dim = new Option<int>("--dim") { Description = "Embedding width.", DefaultValueFactory = _ => 128 };
            var layers = new Option<int>("--layers") { Description = "Transformer blocks.", DefaultValueFactory = _ => 2 };
            var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => 4 };
            var kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (grouped-query attention below --heads).", DefaultValueFactory = _ => 2 };
            var ffn = new Option<int>("--ffn") { Description = "Feed-forward width.", DefaultValueFactory = _ => 384 };
            var context = new Option<int>("--context") { Description = "Context length recorded in the GGUF (and the longest position trained).", DefaultValueFactory = _ => 512 };
            var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 2000 };
            var batch = new Option<int>("--batch") { Description = "Examples per step.", DefaultValueFactory = _ => 32 };
            var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW, linear warm-up, cosine decay).", DefaultValueFactory = _ => 3e-3 };
            var seed = new Option<int>("--seed") { Description = "Seed for the initial weights and the training examples.", DefaultValueFactory = _ => 1 };
            var output = new Option<FileInfo>("--out", "-o") { Description = "Where to write the GGUF.", Required = true };
            var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint path prefix: saved every --checkpoint-every steps and resumed from when present." };
            var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 250 };
            var threads = new Option<int>("--threads") { Description = "CPU threads for TorchSharp.", DefaultValueFactory = _ => 2 };
            var half = new Option<bool>("--f16") { Description = "Write matrices as F16 (half the file size)." };
            var evalItems = new Option<int>("--eval-items") { Description = "Held-out items per family scored after training (0: none).", DefaultValueFactory = _ => 50 };
            var evalSeed = new Option<int>("--eval-seed") { Description = "Aptitude suite seed of the held-out items.", DefaultValueFactory = _ => 1001 };
            var minutes = new Option<double?>("--minutes") { Description = "Stop after this many minutes of training; the learning rate decays over whichever of --steps or --minutes ends first." };

            var command = new Command("train", "Train a model on generated chat examples, then write it as a llama GGUF with a ChatML template.")
            {
                name, families, traces, roles, evalTraces, show, copyShare, copyRepeat, copyNumbers, copyWarmup, stopAfter, dim, layers, heads, kvHeads, ffn, context, steps, batch, lr, seed, output, checkpoint, checkpointEvery, threads, half, evalItems, evalSeed, minutes,
            };
            command.SetAction(parse =>
            {
                var console = AnsiConsole.Console;
                var options = new TrainingOptions
                {
                    Name = parse.GetValue(name)!,
                    Families = (parse.GetValue(traces) is null ? parse.GetValue(families) ?? "" : parse.GetValue(roles) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    TracePath = parse.GetValue(traces)?.FullName,
                    CopyShare = Math.Clamp(parse.GetValue(copyShare), 0, 1),
                    CopyRepeatShare = Math.Clamp(parse.GetValue(copyRepeat), 0, 1),
                    CopyWarmupSteps = Math.Max(0, parse.GetValue(copyWarmup)),
                    CopyNumbersShare = Math.Clamp(parse.GetValue(copyNumbers), 0, 1),
                    StopAfter = parse.GetValue(stopAfter),
                    Shape = new LlamaShape(parse.GetValue(dim), parse.GetValue(layers), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(ffn), parse.GetValue(context)),
                    Steps = parse.GetValue(steps),
                    BatchSize = parse.GetValue(batch),
                    LearningRate = parse.GetValue(lr),
                    Seed = parse.GetValue(seed),
                    OutputPath = parse.GetValue(output)!.FullName,
                    CheckpointPath = parse.GetValue(checkpoint),
                    CheckpointEvery = parse.GetValue(checkpointEvery),
                    Threads = parse.GetValue(threads),
                    HalfPrecision = parse.GetValue(half),
                    EvalItems = parse.GetValue(evalItems),
                    EvalSeed = parse.GetValue(evalSeed),
                    TimeLimit = parse.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : null,
                };
                try
                {
                    options.Shape.Validate();
                    var source = Training.Source(options);
                    if ((source is CopyDrill drill ? drill.Inner : source) is TraceData loaded)
                    {
                        console.WriteLine($"Traces: {string.Join(", ", loaded.Names.Select(r => $"{r} {loaded.Examples(r).Count}"))}; {loaded.Skipped} lines left out (not writable under their grammar, or longer than the context).");
                        foreach (var reason in loaded.SkipReasons)
                        {
                            console.WriteLine("  " + reason);
                        }
                    }
                }
                catch (Exception e) when (e is ArgumentException or IOException)
                {
                    console.MarkupLineInterpolated($"[red]{e.Message}[/]");
                    return 2;
                }

                console.WriteLine($"{options.Name}: {options.Shape.ParameterCount(CharVocabulary.Size):N0} parameters, {(options.TracePath is null ? "families" : "roles")} {string.Join(", ", options.Families.DefaultIfEmpty("all"))}");
                using var model = Training.Train(options, console);
                var size = Training.Export(model, options.Name, options.OutputPath, options.HalfPrecision, options.TracePath is null ? null : RoleTemplate.Source);
                console.WriteLine($"Wrote {options.OutputPath} ({size:N0} bytes).");
                if (options.TracePath is not null)
                {
                    if (parse.GetValue(evalTraces) is { } heldOutFile && options.EvalItems > 0)
                    {
                        var clock = Stopwatch.StartNew();
                        var heldOut = TraceData.Load(heldOutFile.FullName, options.Families.Count == 0 ? null : options.Families, options.Shape.ContextLength);
                        var result = Training.Evaluate(model, heldOut, options.EvalItems);
                        var table = new Table().AddColumn("role").AddColumn("held-out exact");
                        foreach (var (role, accuracy) in result.ByTask)
                        {
                            table.AddRow(role, $"{accuracy:P0}");
                        }
                        table.AddRow("mean", $"{result.Mean:P1}");
                        console.Write(table);
                        console.WriteLine($"Evaluated up to {options.EvalItems} items per role of {heldOutFile.Name} in {clock.Elapsed:mm\\:ss}.");
                        foreach (var role in heldOut.Names)
                        {
                            foreach (var example in heldOut.Examples(role).Take(parse.GetValue(show)))
                            {
                                var reply = Training.Generate(model, [example.Prompt], example.Answer.Length + 8)[0];
                                var expected = string.Concat(example.Answer.Select(CharVocabulary.Piece));
                                console.WriteLine($"{role} {(reply == expected ? "right" : "WRONG")}\n  expected {expected}\n  greedy   {reply}");
                            }
                        }
                    }
                }
                else if (options.EvalItems > 0)
                {
                    var clock = Stopwatch.StartNew();
                    var result = Training.Evaluate(model, new TaskData(options.Families).HeldOut(options.EvalSeed, options.EvalItems));
                    var table = new Table().AddColumn("family").AddColumn("held-out exact");
                    foreach (var (task, accuracy) in result.ByTask)
                    {
                        table.AddRow(task, $"{accuracy:P0}");
                    }
                    table.AddRow("mean", $"{result.Mean:P1}");
                    console.Write(table);
                    console.WriteLine($"Evaluated {options.EvalItems} items per family (seed {options.EvalSeed}) in {clock.Elapsed:mm\\:ss}.");
                }
                return 0;
            });
            return command;
        }
    }
}
