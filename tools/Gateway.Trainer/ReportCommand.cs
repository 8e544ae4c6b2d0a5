using System.CommandLine;
using Gateway.Routing.Aptitude;
using Spectre.Console;

namespace Gateway.Trainer;

/// <summary>
/// <c>report --runs DIR [--routed FILE]</c>: the pool's accuracy from aptitude outcome files of one seed: each model
/// per family, the per-prompt oracle over the models, the best single model and, with <c>--routed</c>, the
/// accuracy of <c>model: "auto"</c> on the same items.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Option<DirectoryInfo>("--runs") { Description = "Folder of 'aptitude run --outcomes' files, one per model, same seed.", Required = true };
        var routed = new Option<FileInfo?>("--routed") { Description = "Outcomes of the same items sent with model \"auto\"." };
        var command = new Command("report", "Per-family accuracy of each model, the oracle, the best single model and the routed accuracy.") { runs, routed };
        command.SetAction(parse =>
        {
            var console = AnsiConsole.Console;
            var files = Directory.GetFiles(parse.GetValue(runs)!.FullName, "*.jsonl").Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                console.MarkupLine("[red]No *.jsonl outcome files in --runs.[/]");
                return 2;
            }
            var models = files.Select(f => (Name: Path.GetFileNameWithoutExtension(f), Outcomes: AptitudeOutcomes.Read(f).ToDictionary(o => o.Id, StringComparer.Ordinal))).ToArray();
            var ids = models[0].Outcomes.Keys.Where(id => models.All(m => m.Outcomes.ContainsKey(id))).ToArray();
            var auto = parse.GetValue(routed) is { } file ? AptitudeOutcomes.Read(file.FullName).ToDictionary(o => o.Id, StringComparer.Ordinal) : null;
            if (auto is not null)
            {
                ids = ids.Where(auto.ContainsKey).ToArray();
            }
            var tasks = ids.Select(id => models[0].Outcomes[id].Task).Distinct(StringComparer.Ordinal).ToArray();

            var table = new Table().AddColumn("family");
            foreach (var (name, _) in models)
            {
                table.AddColumn(name, c => c.RightAligned());
            }
            table.AddColumn("oracle", c => c.RightAligned());
            if (auto is not null)
            {
                table.AddColumn("auto", c => c.RightAligned());
            }
            double Accuracy(IEnumerable<string> items, Func<string, double> score) => items.Select(score).DefaultIfEmpty(0).Average();
            double Oracle(string id) => models.Max(m => m.Outcomes[id].Score);
            void Row(string label, string[] items)
            {
                var cells = new List<string> { label };
                cells.AddRange(models.Select(m => $"{Accuracy(items, id => m.Outcomes[id].Score):P0}"));
                cells.Add($"{Accuracy(items, Oracle):P0}");
                if (auto is not null)
                {
                    cells.Add($"{Accuracy(items, id => auto[id].Score):P0}");
                }
                table.AddRow(cells.ToArray());
            }
            foreach (var task in tasks)
            {
                Row(task, ids.Where(id => models[0].Outcomes[id].Task == task).ToArray());
            }
            Row("all", ids);
            console.Write(table);

            var oracle = Accuracy(ids, Oracle);
            var best = models.Select(m => (m.Name, Accuracy: Accuracy(ids, id => m.Outcomes[id].Score))).MaxBy(m => m.Accuracy);
            console.WriteLine($"items: {ids.Length}; oracle {oracle:P1}; best single {best.Name} {best.Accuracy:P1}");
            if (auto is not null)
            {
                var routedAccuracy = Accuracy(ids, id => auto[id].Score);
                console.WriteLine($"routed (model \"auto\") {routedAccuracy:P1} = {routedAccuracy / oracle:P1} of the oracle, {(routedAccuracy - best.Accuracy) * 100:+0.0;-0.0} points over the best single model");
            }
            return 0;
        });
        return command;
    }
}
