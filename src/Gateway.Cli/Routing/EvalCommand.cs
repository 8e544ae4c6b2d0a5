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
        var command = new Command("eval", "Evaluate a router on a split: routed quality, baselines, AIQ, APGR/CPT for two-model data.") { data, model, split, choicesOut };
        command.SetAction(parse =>
        {
            var report = Run(parse.GetValue(data)!.FullName, parse.GetValue(model)!.FullName, parse.GetValue(split)!);
            Print(report);
            if (parse.GetValue(choicesOut) is { } file)
            {
                WriteChoices(report, file.FullName);
            }

            return 0;
        });
        return command;
    }

    public static EvaluationReport Run(string dataDir, string modelDir, string split)
    {
        var artifact = RouterArtifactStore.Load(modelDir);
        var dataset = RoutingDataset.Load(dataDir);
        var records = dataset.Split(split);
        if (records.Count == 0)
        {
            throw new ArgumentException($"'{dataDir}' has no '{split}' prompts.");
        }

        var encoder = CliCommon.EncoderFor(artifact.EncoderId);
        using var disposeEncoder = encoder as IDisposable;
        var embeddings = CliCommon.Embed(records, encoder, Path.Combine(modelDir, CliCommon.EmbeddingCacheFile));
        var router = RouterFactory.Create(artifact, dataset.Models.Select(m => new CandidateDescriptor(m.Name, m.ParamsB, m.EffectivePrice, m.EffectivePrice)).ToArray(), encoder);
        return RouterEvaluator.Evaluate(dataset, split, records, embeddings, router);
    }

    public static void Print(EvaluationReport r)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.Dataset}[/] / {r.Split}: {r.Ids.Count} prompts, {r.Models.Count} models");
        if (r.Unroutable.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]No capability vector (never chosen): {string.Join(", ", r.Unroutable)}[/]");
        }

        var summary = new Table().AddColumns("policy", "quality", "mean $/Mtok", "mean cost $");
        summary.AddRow("random", F(r.Random), "", "");
        summary.AddRow($"best single ({r.BestSingle.Name})", F(r.BestSingle.Quality), F(r.BestSingle.MeanPricePerMTok), F(r.BestSingle.MeanCostUsd, 8));
        summary.AddRow("oracle", F(r.Oracle.Quality), F(r.Oracle.MeanPricePerMTok), F(r.Oracle.MeanCostUsd, 8));
        summary.AddRow("[bold]router λ=0[/]", F(r.AtZero.Quality), F(r.AtZero.MeanPricePerMTok), F(r.AtZero.MeanCostUsd, 8));
        AnsiConsole.Write(summary);

        AnsiConsole.MarkupLineInterpolated($"routed quality {F(r.AtZero.Quality)}, selection accuracy {F(r.AtZero.SelectionAccuracy)}, gap closed {r.GapClosed:P1}, AIQ {F(r.Aiq)}");
        if (r.HalfPrice is { } half)
        {
            AnsiConsole.MarkupLineInterpolated($"at half the best single model's price (λ={half.Lambda}): quality {F(half.Quality)}, mean $/Mtok {F(half.MeanPricePerMTok)}");
        }

        var sweep = new Table().AddColumns("λ", "quality", "sel. acc.", "mean $/Mtok", "mean cost $");
        foreach (var p in r.Sweep)
        {
            sweep.AddRow(p.Lambda.ToString(CultureInfo.InvariantCulture), F(p.Quality), F(p.SelectionAccuracy), F(p.MeanPricePerMTok), F(p.MeanCostUsd, 8));
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
}
