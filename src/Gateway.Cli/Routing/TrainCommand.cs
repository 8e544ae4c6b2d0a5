using System.CommandLine;
using Gateway.Embeddings;
using Gateway.Routing.Aptitude;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Data;
using Gateway.Routing.Prediction;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary>
/// <c>router train --data DIR --out DIR</c>: fits a router artefact on the train split of a routing data set.
/// <c>router train --aptitude-results DIR --out DIR</c> fits the pool's router on several models' aptitude runs
/// instead (their <c>--outcomes</c> files), and writes the converted data to <c>OUT/data</c> for <c>router eval</c>.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = CliCommon.DataOption();
        data.Required = false;
        var aptitudeResults = new Option<DirectoryInfo>("--aptitude-results")
        {
            Description = "Instead of --data: a folder of per-item outcome files from several models' 'aptitude run --outcomes' runs (same seed).",
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write the router artefact to.", Required = true };
        var leaveOut = new Option<string[]>("--leave-out") { Description = "Models to train without (onboard them later from aptitude/<model>.json).", AllowMultipleArgumentsPerToken = true };
        var training = new TrainingOptionSet();
        var encoder = training.Encoder;
        var maxTokens = CliCommon.MaxTokensOption();
        var command = new Command("train", "Train the router on the train split of a routing data set, or on aptitude runs.")
        {
            data, aptitudeResults, output, leaveOut, maxTokens,
        };
        training.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(data) is null) == (result.GetResult(aptitudeResults) is null))
            {
                result.AddError("Give exactly one of --data and --aptitude-results.");
            }
        });
        command.SetAction(parse => CliCommon.Guard(() =>
        {
            var options = training.Read(parse);
            var outDir = parse.GetValue(output)!.FullName;
            var dataset = parse.GetValue(aptitudeResults) is { } results
                ? FromAptitudeResults(results.FullName, outDir)
                : RoutingDataset.Load(parse.GetValue(data)!.FullName);
            Run(dataset, outDir, parse.GetValue(leaveOut) ?? [], parse.GetValue(encoder)!, options, parse.GetValue(maxTokens));
            return 0;
        }));
        return command;
    }

    public static TrainingResult Run(string dataDir, string outDir, IReadOnlyCollection<string> leaveOut, string encoderName, TrainingOptions options, int maxTokens = MiniLmPromptEncoder.DefaultMaxTokens) =>
        Run(RoutingDataset.Load(dataDir), outDir, leaveOut, encoderName, options, maxTokens);

    public static TrainingResult Run(RoutingDataset dataset, string outDir, IReadOnlyCollection<string> leaveOut, string encoderName, TrainingOptions options, int maxTokens = MiniLmPromptEncoder.DefaultMaxTokens)
    {
        var unknown = leaveOut.Where(m => !dataset.ModelNames.Contains(m)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown models to leave out: {string.Join(", ", unknown)}.");
        }

        var train = dataset.RequireSplit("train");
        var promptEncoder = CliCommon.CreateEncoder(encoderName, maxTokens);
        using var disposeEncoder = promptEncoder as IDisposable;
        var embeddings = CliCommon.Embed(train, promptEncoder, Path.Combine(outDir, CliCommon.EmbeddingCacheFile));

        TrainingResult result = null!;
        var started = TimeProvider.System.GetTimestamp();
        AnsiConsole.Progress().Start(ctx =>
        {
            var affinity = ctx.AddTask("Task affinity", maxValue: options.AffinityEpochs);
            var quality = ctx.AddTask("Quality predictor", maxValue: options.Epochs);
            var contrastTask = options.ContrastHead ? ctx.AddTask("Contrast head", maxValue: options.ContrastEpochs) : null;
            var progress = new CliCommon.SyncProgress<TrainingProgress>(p =>
            {
                var task = p.Stage switch { "quality" => quality, "contrast" => contrastTask ?? quality, _ => affinity };
                task.Value = p.Epoch;
                if (p.Stage == "contrast")
                {
                    task.Description = $"Contrast head (val pairwise loss {p.ValidationLoss:F4})";
                }

                if (p.Stage == "quality")
                {
                    task.Description = $"Quality predictor (val loss {p.ValidationLoss:F4}, val routed {p.ValidationQuality:F4})";
                }
            });
            result = RouterTraining.Train(dataset, train, embeddings, promptEncoder.Id, options, leaveOut, TimeProvider.System, progress);
        });

        RouterArtifactStore.Save(outDir, result.Artifact);
        foreach (var (model, vector) in result.AptitudeVectors)
        {
            AptitudeFile.FromVector(model, result.Artifact.Tasks, vector, options.AptitudeItemsPerTask)
                .Write(Path.Combine(outDir, "aptitude", model + ".json"));
        }

        AnsiConsole.MarkupLineInterpolated(
            $"Trained on {train.Count} prompts × {result.Artifact.Capabilities.Count} models, {result.Artifact.Tasks.Count} tasks in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F1} s; artefact written to [green]{outDir}[/].");
        return result;
    }

    private static RoutingDataset FromAptitudeResults(string resultsDir, string outDir)
    {
        var dataset = AptitudeTrainingData.Load(resultsDir);
        var dataDir = Path.Combine(outDir, "data");
        AptitudeTrainingData.Save(dataset, dataDir);
        AnsiConsole.MarkupLineInterpolated(
            $"Read {dataset.Outcomes.Count} aptitude items × {dataset.Models.Count} models; routing data written to [green]{dataDir}[/] (evaluate with 'router eval --data').");
        return dataset;
    }
}
