using System.CommandLine;
using System.Globalization;
using Gateway.Routing.Prediction;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary>
/// <c>router loo --data DIR --work DIR</c>: for each model, trains without it, onboards it from its
/// aptitude-style vector only, and compares routed quality with the router trained on every model.
/// </summary>
internal static class LeaveOneOutCommand
{
    public static Command Create()
    {
        var data = CliCommon.DataOption();
        var work = new Option<DirectoryInfo>("--work") { Description = "Working directory for the artefacts (full/ and without-<model>/, under seed-<n>/ with several seeds).", Required = true };
        var models = new Option<string[]>("--models") { Description = "Models to leave out one at a time (default: all).", AllowMultipleArgumentsPerToken = true };
        var split = new Option<string>("--split") { Description = "Split to evaluate on.", DefaultValueFactory = _ => "test" };
        var seeds = new Option<int>("--seeds")
        {
            Description = "Training runs, each with its own seeds, over which each model's change is averaged (training noise between two runs is about a point).",
            DefaultValueFactory = _ => 1,
        };
        seeds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 20)
            {
                r.AddError("--seeds must be from 1 to 20.");
            }
        });
        var training = new TrainingOptionSet();
        var encoder = training.Encoder;
        var shrink = CliCommon.ShrinkOption();
        var command = new Command("loo", "Leave-one-model-out: onboarding by aptitude vector versus training with the model.") { data, work, models, split, seeds, shrink };
        training.AddTo(command);
        command.SetAction(parse => CliCommon.Guard(() =>
        {
            Run(parse.GetValue(data)!.FullName, parse.GetValue(work)!.FullName, parse.GetValue(models) ?? [], parse.GetValue(split)!, parse.GetValue(encoder)!,
                training.Read(parse), parse.GetValue(shrink), parse.GetValue(seeds));
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The seeds of each run: an ensemble's members take consecutive seeds, so run k starts
    /// <c>k × ensemble</c> after the first and no two runs share a member.
    /// </summary>
    public static int[] RunSeeds(TrainingOptions options, int runs) =>
        [.. Enumerable.Range(0, runs).Select(k => options.Seed + (k * Math.Max(1, options.Ensemble)))];

    private static void Run(string dataDir, string workDir, string[] models, string split, string encoderName, TrainingOptions options, bool shrink, int runs)
    {
        var seeds = RunSeeds(options, runs);
        var results = new List<SeedRun>();
        string? cacheFrom = null;
        foreach (var seed in seeds)
        {
            var dir = runs == 1 ? workDir : Path.Combine(workDir, "seed-" + seed.ToString(CultureInfo.InvariantCulture));
            var run = RunOnce(dataDir, dir, models, split, encoderName, options with { Seed = seed }, shrink, cacheFrom ?? Path.Combine(workDir, "full", CliCommon.EmbeddingCacheFile));
            cacheFrom = Path.Combine(dir, "full", CliCommon.EmbeddingCacheFile);
            results.Add(run);
        }

        var names = results[0].Deltas.Keys.ToArray();
        var table = new Table().AddColumn("left out");
        foreach (var run in results)
        {
            table.AddColumn(runs == 1 ? "onboarded by aptitude" : $"seed {run.Seed}: Δ points");
        }

        table.AddColumns(runs == 1 ? "Δ points" : "mean Δ points", "share routed to it");
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            means[name] = results.Average(r => r.Deltas[name]);
            var cells = new List<string> { name };
            cells.AddRange(results.Select(r => runs == 1 ? F(r.Baseline + (r.Deltas[name] / 100)) : D(r.Deltas[name])));
            cells.Add(D(means[name]));
            cells.Add(results.Average(r => r.Shares[name]).ToString("P1", CultureInfo.InvariantCulture));
            table.AddRow([.. cells]);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Trained with every model, λ=0: {string.Join(", ", results.Select(r => $"seed {r.Seed} {F(r.Baseline)}"))}.");
        if (runs == 1)
        {
            AnsiConsole.MarkupLineInterpolated($"Worst change {D(means.Values.Min())} points, mean {D(means.Values.Average())} points of routed quality at λ=0.");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"Averaged over {runs} training runs: worst change {D(means.Values.Min())} points, mean {D(means.Values.Average())} points of routed quality at λ=0.");
            AnsiConsole.MarkupLineInterpolated($"Worst single run: {string.Join(", ", results.Select(r => $"seed {r.Seed} {D(r.Deltas.Values.Min())}"))}.");
        }
    }

    private static SeedRun RunOnce(string dataDir, string workDir, string[] models, string split, string encoderName, TrainingOptions options, bool shrink, string cacheFrom)
    {
        var full = Path.Combine(workDir, "full");
        Directory.CreateDirectory(full);
        var cache = Path.Combine(full, CliCommon.EmbeddingCacheFile);
        if (!File.Exists(cache) && File.Exists(cacheFrom))
        {
            File.Copy(cacheFrom, cache);
        }

        var fullResult = TrainCommand.Run(dataDir, full, [], encoderName, options);
        var baseline = EvalCommand.Run(dataDir, full, split).AtZero.Quality;
        var names = models.Length > 0 ? models : [.. fullResult.AptitudeVectors.Keys];
        var deltas = new Dictionary<string, double>(StringComparer.Ordinal);
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var dir = Path.Combine(workDir, "without-" + name);
            Directory.CreateDirectory(dir);
            File.Copy(cache, Path.Combine(dir, CliCommon.EmbeddingCacheFile), overwrite: true);
            TrainCommand.Run(dataDir, dir, [name], encoderName, options);
            OnboardCommand.Run(dir, name, Path.Combine(dir, "aptitude", name + ".json"), shrink);
            var report = EvalCommand.Run(dataDir, dir, split);
            var index = report.Models.ToList().IndexOf(name);
            shares[name] = report.AtZero.Choices.Count(c => c == index) / (double)report.AtZero.Choices.Length;
            deltas[name] = (report.AtZero.Quality - baseline) * 100;
        }

        return new SeedRun(options.Seed, baseline, deltas, shares);
    }

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);

    private static string D(double x) => x.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    private sealed record SeedRun(int Seed, double Baseline, IReadOnlyDictionary<string, double> Deltas, IReadOnlyDictionary<string, double> Shares);
}
