using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gateway.Craft;
using Gateway.Craft.Creation;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Craft.Verification;
using Gateway.Embeddings;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace Gateway.Cli.Craft;

/// <summary>
/// <c>toolset create --name N --data FILE</c>: makes tools from solved problems through the gateway (see
/// <see cref="ToolCreator"/>), stores the ones kept as a new version of the toolset, and writes a report of every reject.
/// </summary>
internal static class ToolsetCreateCommand
{
    private const int RejectsShown = 10;

    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The toolset to create (replaced by a new version if it exists).", Required = true };
        CraftCliCommon.ValidateName(name);
        var data = new Option<FileInfo>("--data") { Description = "JSONL of solved problems: {\"id\",\"problem\",\"answer\"} per line.", Required = true };
        var gateway = new Option<string>("--gateway") { Description = "The gateway's base URL.", DefaultValueFactory = _ => CraftCliCommon.DefaultGateway };
        var key = new Option<string?>("--key") { Description = $"API key for the gateway (default: ${GatewayApiKeys.Variable}, else the development key)." };
        var model = new Option<string>("--model") { Description = "The model that writes and abstracts the tools ('auto' lets the router choose).", DefaultValueFactory = _ => "auto" };
        var sample = CraftCliCommon.Positive(new Option<int>("--sample") { Description = "How many diverse problems to make tools from.", DefaultValueFactory = _ => 20 });
        var seed = new Option<int>("--seed") { Description = "Seeds the sample and the model's sampling.", DefaultValueFactory = _ => 0 };
        var maxTokens = CraftCliCommon.Positive(new Option<int>("--max-tokens") { Description = "max_tokens of each model request.", DefaultValueFactory = _ => 1024 });
        var timeout = CraftCliCommon.Positive(new Option<int>("--timeout") { Description = "Seconds to wait for each reply.", DefaultValueFactory = _ => 120 });
        var report = new Option<FileInfo?>("--report") { Description = "Where to write the JSON report of counts and rejects (default: <name>.creation-report.json)." };
        var description = new Option<string?>("--description") { Description = "Description of the toolset for its manifest." };
        var command = new Command("create", "Create a toolset from solved problems: solve, verify in the sandbox, abstract, re-verify, deduplicate.")
        {
            name, data, gateway, key, model, sample, seed, maxTokens, timeout, report, description,
        };
        gateway.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                r.AddError("--gateway must be an absolute http(s) URL.");
            }
        });
        var open = CraftCliCommon.AddStoreOptions(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var toolset = parse.GetValue(name)!;
            var apiKey = GatewayApiKeys.Resolve(parse.GetValue(key));
            var options = new ToolCreationOptions
            {
                SampleSize = parse.GetValue(sample),
                Seed = parse.GetValue(seed),
                Model = parse.GetValue(model),
                MaxOutputTokens = parse.GetValue(maxTokens),
                Description = parse.GetValue(description) ?? "",
            };
            using var chat = GatewayChatClient.Create(new Uri(parse.GetValue(gateway)!), apiKey, options.Model!, TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var reportPath = parse.GetValue(report)?.FullName ?? Path.GetFullPath(toolset + ".creation-report.json");
            return RunAsync(toolset, parse.GetValue(data)!.FullName, chat, options, open(parse), reportPath, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(
        string toolset, string dataPath, IChatClient chat, ToolCreationOptions options, IToolsetStore store, string reportPath, CancellationToken cancellationToken)
    {
        IReadOnlyList<CreationProblem> problems;
        try
        {
            problems = CreationProblem.ReadJsonLines(dataPath);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Cannot read the problems: {ex.Message}[/]");
            return 2;
        }

        if (problems.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{dataPath} holds no problems.[/]");
            return 2;
        }

        using var sandbox = new JsSandbox();
        var creator = new ToolCreator(chat, new ToolVerifier(sandbox), PromptEncoders.Default);
        CreationResult? result = null;
        await AnsiConsole.Progress().StartAsync(async ctx =>
        {
            var bar = ctx.AddTask(Markup.Escape($"Creating {toolset} from {Math.Min(options.SampleSize, problems.Count)} of {problems.Count} problems"), maxValue: Math.Min(options.SampleSize, problems.Count));
            var progress = new SyncProgress(p => bar.Value = p.Done);
            result = await creator.CreateAsync(toolset, problems, options, progress, cancellationToken);
            bar.Value = bar.MaxValue;
        });

        var created = result!;
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(created.Report, ToolsetJson.Options) + "\n", cancellationToken);
        Print(created.Report, reportPath);
        if (created.Toolset.Tools.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No tool was kept; toolset '{toolset}' was not written.[/]");
            return 1;
        }

        var stored = await store.SaveAsync(created.Toolset, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Stored [green]{stored.Name}[/] v{stored.Version} with {stored.Tools.Count} tools: {string.Join(", ", stored.Tools.Select(t => t.Name))}.");
        return 0;
    }

    private static void Print(CreationReport report, string reportPath)
    {
        var counts = new Table().AddColumns("Problems", "Sampled", "Generated", "Verified", "Abstracted", "Kept");
        counts.AddRow(N(report.Problems), N(report.Sampled), N(report.Generated), N(report.Verified), N(report.Abstracted), N(report.Kept));
        AnsiConsole.Write(counts);
        if (report.Rejects.Count > 0)
        {
            var byKind = new Table().Title("Rejects").AddColumns("Stage", "Kind", "Count", "Example reason");
            foreach (var group in report.Rejects.GroupBy(r => (r.Stage, r.Kind)).OrderByDescending(g => g.Count()))
            {
                byKind.AddRow(Markup.Escape(group.Key.Stage), Markup.Escape(group.Key.Kind), N(group.Count()), Markup.Escape(Clip(group.First().Reason)));
            }

            AnsiConsole.Write(byKind);
            foreach (var reject in report.Rejects.Take(RejectsShown))
            {
                AnsiConsole.MarkupLineInterpolated($"  [yellow]{reject.ProblemId}[/] {reject.Stage}/{reject.Kind}: {Clip(reject.Reason)}");
            }
        }

        AnsiConsole.MarkupLineInterpolated($"Report written to [green]{reportPath}[/].");
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 100 ? line : line[..100] + "…";
    }

    private sealed class SyncProgress(Action<CreationProgress> report) : IProgress<CreationProgress>
    {
        public void Report(CreationProgress value) => report(value);
    }
}
