using System.CommandLine;
using System.Globalization;
using Gateway.Routing.Prediction;
using Spectre.Console;

namespace Gateway.Routing.Cli;

/// <summary>
/// <c>router loo --data DIR --work DIR</c>: for each model, trains without it, onboards it from its
/// aptitude-style vector only, and compares routed quality with the router trained on every model.
/// </summary>
internal static class LeaveOneOutCommand
{
    public static Command Create()
    {
        var data = CliCommon.DataOption();
        var work = new Option<DirectoryInfo>("--work") { Description = "Working directory for the artefacts (full/ and without-<model>/).", Required = true };
        var models = new Option<string[]>("--models") { Description = "Models to leave out one at a time (default: all).", AllowMultipleArgumentsPerToken = true };
        var split = new Option<string>("--split") { Description = "Split to evaluate on.", DefaultValueFactory = _ => "test" };
        var encoder = CliCommon.EncoderOption();
        var training = new TrainingOptionSet();
        var shrink = CliCommon.ShrinkOption();
        var command = new Command("loo", "Leave-one-model-out: onboarding by aptitude vector versus training with the model.") { data, work, models, split, encoder, shrink };
        training.AddTo(command);
        command.SetAction(parse =>
        {
            Run(parse.GetValue(data)!.FullName, parse.GetValue(work)!.FullName, parse.GetValue(models) ?? [], parse.GetValue(split)!, parse.GetValue(encoder)!,
                training.Read(parse), parse.GetValue(shrink));
            return 0;
        });
        return command;
    }

    private static void Run(string dataDir, string workDir, string[] models, string split, string encoderName, TrainingOptions options, bool shrink)
    {
        var full = Path.Combine(workDir, "full");
        var fullResult = TrainCommand.Run(dataDir, full, [], encoderName, options);
        var baseline = EvalCommand.Run(dataDir, full, split).AtZero.Quality;
        var names = models.Length > 0 ? models : [.. fullResult.AptitudeVectors.Keys];
        var table = new Table().AddColumns("left out", "trained with it", "onboarded by aptitude", "Δ points", "share routed to it");
        var deltas = new List<double>();
        foreach (var name in names)
        {
            var dir = Path.Combine(workDir, "without-" + name);
            Directory.CreateDirectory(dir);
            var cache = Path.Combine(full, CliCommon.EmbeddingCacheFile);
            File.Copy(cache, Path.Combine(dir, CliCommon.EmbeddingCacheFile), overwrite: true);
            TrainCommand.Run(dataDir, dir, [name], encoderName, options);
            OnboardCommand.Run(dir, name, Path.Combine(dir, "aptitude", name + ".json"), shrink);
            var report = EvalCommand.Run(dataDir, dir, split);
            var index = report.Models.ToList().IndexOf(name);
            var share = report.AtZero.Choices.Count(c => c == index) / (double)report.AtZero.Choices.Length;
            var delta = (report.AtZero.Quality - baseline) * 100;
            deltas.Add(delta);
            table.AddRow(name, F(baseline), F(report.AtZero.Quality), delta.ToString("+0.00;-0.00", CultureInfo.InvariantCulture), share.ToString("P1", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Worst change {deltas.Min():+0.00;-0.00} points, mean {deltas.Average():+0.00;-0.00} points of routed quality at λ=0.");
    }

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);
}
