using System.CommandLine;
using Gateway.Configuration;
using Gateway.Routing.Aptitude;
using Spectre.Console;

namespace Gateway.Cli.Agents.Traces;

/// <summary>
/// <c>agents traces --agent rewoo --families hop2_gcd_prime,… --seed 7 --count 50 --out traces.jsonl</c>: runs the
/// configured agents over aptitude tool items with a scripted oracle playing each role from the item's reference plan,
/// and writes every role model call as one JSON line (the training data of role models; format in docs/agents.md).
/// Only runs whose answer scores right are written. Further <c>--Section:Key=value</c> arguments are configuration.
/// </summary>
internal static class TracesCommand
{
    public static Command Create()
    {
        var agents = new Option<string[]>("--agent") { Description = "Agents to run (configured names of kind rewoo, umi or react).", Required = true, AllowMultipleArgumentsPerToken = true };
        var families = new Option<string[]>("--families") { Description = "Task families (comma- or space-separated). Default: every 'tools' family.", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Suite seed.", DefaultValueFactory = _ => AptitudeSuite.DefaultSeed };
        var count = new Option<int>("--count") { Description = "Items per family.", DefaultValueFactory = _ => 20 };
        var output = new Option<FileInfo>("--out") { Description = "The JSONL file to write.", Required = true };
        var command = new Command("traces", "Export agent role-model calls on tool items, played by a reference-plan oracle, as JSONL.")
        {
            agents, families, seed, count, output,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var names = Split(parse.GetValue(agents));
            var chosen = Split(parse.GetValue(families));
            var known = AptitudeSuite.Families.Where(f => f.Category == "tools").Select(f => f.Name).ToList();
            var unknown = chosen.Except(known).ToArray();
            if (unknown.Length > 0 || parse.GetValue(count) < 1)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Unknown tool families: {string.Join(", ", unknown)}[/] (known: {string.Join(", ", known)}); --count must be at least 1.");
                return 2;
            }

            var items = AptitudeSuite.Create(parse.GetValue(seed), parse.GetValue(count))
                .Where(t => (chosen.Count == 0 ? known : chosen).Contains(t.Name)).SelectMany(t => t.Items).ToArray();
            using var exporter = TraceExporter.Create(parse.UnmatchedTokens, ContentRoot.Resolve());
            var missing = names.Where(n => !exporter.Agents.ContainsKey(n)).ToArray();
            if (missing.Length > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No agent of kind rewoo, umi or react named: {string.Join(", ", missing)}[/]");
                return 2;
            }

            var path = parse.GetValue(output)!.FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var writer = new StreamWriter(path);
            foreach (var name in names)
            {
                var (written, failed) = (0, 0);
                foreach (var item in items)
                {
                    var run = await exporter.RunAsync(name, item, cancellationToken);
                    if (!run.Correct)
                    {
                        failed++;
                        continue;
                    }

                    foreach (var line in run.Lines)
                    {
                        await writer.WriteLineAsync(line.ToJson().ToJsonString(TraceOracle.Json));
                        written++;
                    }
                }

                Console.Out.WriteLine($"{name}: {items.Length - failed} of {items.Length} runs right, {written} role calls written{(failed > 0 ? $"; {failed} runs left out (the tools disagreed with the reference)" : "")}.");
            }

            return 0;
        });
        return command;
    }

    private static List<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
}
