using System.CommandLine;
using System.Net.Http.Headers;
using Gateway.Routing.Aptitude;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary>
/// <c>aptitude run --model NAME</c>: puts the aptitude suite to a model through the gateway, writes its per-task
/// accuracy (the input of <c>router onboard</c>) and, with <c>--outcomes</c>, every scored item.
/// </summary>
internal static class AptitudeRunCommand
{
    public const string DefaultGateway = "http://localhost:8080";

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model to test, as the gateway names it.", Required = true };
        var gateway = new Option<string>("--gateway") { Description = "The gateway's base URL.", DefaultValueFactory = _ => DefaultGateway };
        var key = new Option<string?>("--key") { Description = $"API key for the gateway (default: ${GatewayApiKeys.Variable}, else the development key)." };
        var seed = new Option<int>("--seed") { Description = "Suite seed; compare and combine runs of the same seed.", DefaultValueFactory = _ => AptitudeSuite.DefaultSeed };
        var items = Positive(new Option<int>("--items") { Description = "Items per task.", DefaultValueFactory = _ => AptitudeSuite.DefaultItemsPerTask });
        var concurrency = Positive(new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 });
        var maxTokens = Positive(new Option<int>("--max-tokens") { Description = "max_tokens of each request.", DefaultValueFactory = _ => 256 });
        var timeout = Positive(new Option<int>("--timeout") { Description = "Seconds to wait for each reply.", DefaultValueFactory = _ => 60 });
        var output = new Option<FileInfo?>("--out") { Description = "Aptitude results file to write (default: aptitude/<model>.json)." };
        var outcomes = new Option<FileInfo?>("--outcomes") { Description = "Also write every scored item here (JSONL), the input of 'router train --aptitude-results'." };
        var tasks = new Option<string[]>("--tasks")
        {
            Description = "Only these task families (names as 'aptitude list' shows them; comma- or space-separated). Default: all.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("run", "Run the aptitude suite against a model through the gateway and write its per-task accuracy.")
        {
            model, gateway, key, seed, items, concurrency, maxTokens, timeout, output, outcomes, tasks,
        };
        tasks.Validators.Add(r =>
        {
            var known = AptitudeSuite.Families.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            var unknown = SplitTasks(r.GetValueOrDefault<string[]>()).Where(t => !known.Contains(t)).ToArray();
            if (unknown.Length > 0)
            {
                r.AddError($"Unknown task families: {string.Join(", ", unknown)}. 'aptitude list' shows them.");
            }
        });
        gateway.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                r.AddError("--gateway must be an absolute http(s) URL.");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var name = parse.GetValue(model)!;
            var settings = new AptitudeRunSettings(
                name,
                new Uri(parse.GetValue(gateway)!.TrimEnd('/') + "/"),
                GatewayApiKeys.Resolve(parse.GetValue(key)),
                parse.GetValue(seed),
                parse.GetValue(items),
                new AptitudeRunOptions(name, parse.GetValue(concurrency), parse.GetValue(maxTokens)),
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                parse.GetValue(output)?.FullName ?? Path.Combine("aptitude", SafeFileName(name) + ".json"),
                parse.GetValue(outcomes)?.FullName,
                SplitTasks(parse.GetValue(tasks)) is { Count: > 0 } selected ? selected : null);
            return RunAsync(settings, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(AptitudeRunSettings settings, CancellationToken cancellationToken)
    {
        var items = AptitudeSuite.Create(settings.Seed, settings.ItemsPerTask)
            .Where(t => settings.Tasks is null || settings.Tasks.Contains(t.Name))
            .SelectMany(t => t.Items).ToArray();
        using var http = new HttpClient { BaseAddress = settings.Gateway, Timeout = settings.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Key);

        IReadOnlyList<AptitudeOutcome> outcomes = [];
        await AnsiConsole.Progress().StartAsync(async ctx =>
        {
            var bar = ctx.AddTask(Markup.Escape($"Aptitude of {settings.Model} ({items.Length} items)"), maxValue: items.Length);
            var progress = new CliCommon.SyncProgress<AptitudeOutcome>(_ => bar.Increment(1));
            outcomes = await new AptitudeRunner(http).RunAsync(items, settings.Options, progress, cancellationToken);
        });

        var failures = outcomes.Where(o => o.Error is not null).ToArray();
        if (failures.Length == outcomes.Count)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Every call to {settings.Model} at {settings.Gateway} failed; nothing written.[/] First error: {failures[0].Error}");
            return 1;
        }

        AptitudeOutcomes.ToAptitudeFile(settings.Model, outcomes, settings.ItemsPerTask).Write(settings.OutputPath);
        if (settings.OutcomesPath is { } outcomesPath)
        {
            AptitudeOutcomes.Write(outcomesPath, outcomes);
        }

        AptitudeReport.Print(settings, outcomes, failures);
        return 0;
    }

    private static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{option.Name} must be at least 1.");
            }
        });
        return option;
    }

    private static List<string> SplitTasks(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();

    private static string SafeFileName(string model) =>
        string.Concat(model.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c is ':' or '\\' ? '_' : c));
}

/// <summary>Everything one <c>aptitude run</c> needs.</summary>
internal sealed record AptitudeRunSettings(
    string Model,
    Uri Gateway,
    string Key,
    int Seed,
    int ItemsPerTask,
    AptitudeRunOptions Options,
    TimeSpan Timeout,
    string OutputPath,
    string? OutcomesPath,
    IReadOnlyCollection<string>? Tasks = null);
