using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Data;
using Gateway.Routing.Evaluation;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary><c>router eval --data DIR --model DIR [--split test] [--choices-out FILE]</c>.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var data = CliCommon.DataOption();
        var model = new Option<DirectoryInfo>("--model") { Description = "Router artefact directory.", Required = true };
        var split = new Option<string>("--split") { Description = "Split to evaluate on.", DefaultValueFactory = _ => "test" };
        var choicesOut = new Option<FileInfo?>("--choices-out") { Description = "Write one JSON line per prompt and cost weight: {\"id\",\"lambda\",\"model\"}." };
        var knn = new Option<bool>("--knn")
        {
            Description = "Also score a k-nearest-neighbours router on the same embeddings (k chosen on a validation part of train); '--knn false' skips it.",
            DefaultValueFactory = _ => true,
        };
        var command = new Command("eval", "Evaluate a router on a split: routed quality, baselines (best single, oracle, kNN), AIQ, APGR/CPT for two-model data.") { data, model, split, choicesOut, knn };
        command.SetAction(parse => CliCommon.Guard(() =>
        {
            var report = Run(parse.GetValue(data)!.FullName, parse.GetValue(model)!.FullName, parse.GetValue(split)!, parse.GetValue(knn));
            Print(report);
            if (parse.GetValue(choicesOut) is { } file)
            {
                WriteChoices(report, file.FullName);
            }

            return 0;
        }));
        return command;
    }

    public static EvaluationReport Run(string dataDir, string modelDir, string split, bool knn = false)
    {
        var artifact = RouterArtifactStore.Load(modelDir);
        var dataset = RoutingDataset.Load(dataDir);
        var records = dataset.RequireSplit(split);
        var encoder = CliCommon.EncoderFor(artifact.EncoderId);
        using var disposeEncoder = encoder as IDisposable;
        var cache = Path.Combine(modelDir, CliCommon.EmbeddingCacheFile);
        var embeddings = CliCommon.Embed(records, encoder, cache);
        KnnBaseline? baseline = null;
        if (knn)
        {
            var train = dataset.RequireSplit("train");
            baseline = KnnBaseline.Fit(
                train.Select(o => o.Id).ToArray(),
                CliCommon.Embed(train, encoder, cache),
                RouterEvaluator.Scores(dataset, train),
                RouterEvaluator.CallCosts(dataset, train, artifact.Costs));
        }

        var router = RouterFactory.Create(artifact, RouterEvaluator.Candidates(dataset, artifact.Costs), encoder);
        return RouterEvaluator.Evaluate(dataset, split, records, embeddings, router, learnedCosts: artifact.Costs, knn: baseline);
    }

    public static void Print(EvaluationReport r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Dataset}[/] / {r.Split}: {r.Ids.Count} prompts, {r.Models.Count} models");
        if (r.Unroutable.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]No capability vector (never chosen): {string.Join(", ", r.Unroutable)}[/]");
        }

        var summary = new Table().AddColumns("policy", "quality λ=0", "gap closed", "AIQ", "$/M prompt tok", "mean cost $");
        summary.AddRow("random", F(r.Random), "", "", "", "");
        summary.AddRow($"best single ({r.BestSingle.Name})", F(r.BestSingle.Quality), "0.0 %", "", F(r.BestSingle.MeanPricePerMTok), F(r.BestSingle.MeanCostUsd, 8));
        summary.AddRow("single models' hull", "", "", F(r.SinglesAiq), "", "");
        summary.AddRow("oracle", F(r.Oracle.Quality), "100.0 %", "", F(r.Oracle.MeanPricePerMTok), F(r.Oracle.MeanCostUsd, 8));
        if (r.Knn is { } knn)
        {
            summary.AddRow($"kNN (k={knn.K})", F(knn.AtZero.Quality), P(r.Closed(knn.AtZero.Quality)), F(knn.Aiq), F(knn.AtZero.MeanPricePerMTok), F(knn.AtZero.MeanCostUsd, 8));
        }

        summary.AddRow("[bold]router[/]", F(r.AtZero.Quality), P(r.GapClosed), F(r.Aiq), F(r.AtZero.MeanPricePerMTok), F(r.AtZero.MeanCostUsd, 8));
        AnsiConsole.Write(summary);

        AnsiConsole.MarkupLineInterpolated($"routed quality {F(r.AtZero.Quality)}, selection accuracy {F(r.AtZero.SelectionAccuracy)}, gap closed {r.GapClosed:P1}, AIQ {F(r.Aiq)}");
        if (r.HalfPrice is { } half)
        {
            AnsiConsole.MarkupLineInterpolated($"at half the best single model's cost (λ={half.Lambda}): quality {F(half.Quality)}, mean cost $ {F(half.MeanCostUsd, 8)}");
        }

        if (r.CostError is { } error)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"learned call costs over {error.Calls} recorded calls: mean absolute error $ {F(error.MeanAbsoluteErrorUsd, 8)} (each model's mean cost on these calls: $ {F(error.MeanOnlyErrorUsd, 8)})");
        }

        var sweep = new Table().AddColumns("λ", "quality", "sel. acc.", "$/M prompt tok", "mean cost $");
        if (r.Knn is not null)
        {
            sweep.AddColumns("kNN quality", "kNN mean cost $");
        }

        for (var i = 0; i < r.Sweep.Count; i++)
        {
            var p = r.Sweep[i];
            string[] row = [p.Lambda.ToString(CultureInfo.InvariantCulture), F(p.Quality), F(p.SelectionAccuracy), F(p.MeanPricePerMTok), F(p.MeanCostUsd, 8)];
            sweep.AddRow(r.Knn is { } k ? [.. row, F(k.Sweep[i].Quality), F(k.Sweep[i].MeanCostUsd, 8)] : row);
        }

        AnsiConsole.Write(sweep);
        var tasks = new Table().AddColumns("task", "prompts", "router λ=0", "best single", "oracle");
        foreach (var t in r.PerTask)
        {
            tasks.AddRow(t.Task, t.Prompts.ToString(CultureInfo.InvariantCulture), F(t.Routed), F(t.BestSingle), F(t.Oracle));
        }

        AnsiConsole.Write(tasks);
        if (r.TwoModel.Count > 0)
        {
            var pair = new Table().AddColumns("task", "prompts", "weak", "strong", "APGR", "CPT(50%)");
            foreach (var t in r.TwoModel)
            {
                pair.AddRow(t.Task, t.Prompts.ToString(CultureInfo.InvariantCulture), F(t.Weak), F(t.Strong), F(t.Apgr), t.Cpt50.ToString("P1", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(pair);
        }
    }

    public static void WriteChoices(EvaluationReport r, string path)
    {
        using var writer = new StreamWriter(path);
        foreach (var p in r.Sweep)
        {
            for (var i = 0; i < r.Ids.Count; i++)
            {
                writer.WriteLine(JsonSerializer.Serialize(new { id = r.Ids[i], lambda = p.Lambda, model = r.Models[p.Choices[i]] }));
            }
        }
    }

    private static string F(double x, int digits = 4) => x.ToString("F" + digits, CultureInfo.InvariantCulture);

    private static string P(double x) => x.ToString("P1", CultureInfo.InvariantCulture);
}
