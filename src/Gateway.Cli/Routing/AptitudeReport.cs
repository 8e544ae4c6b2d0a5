using Gateway.Routing.Aptitude;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary>The summary <c>aptitude run</c> prints: accuracy per category and the calls that failed.</summary>
internal static class AptitudeReport
{
    private const int ErrorsShown = 3;

    public static void Print(AptitudeRunSettings settings, IReadOnlyList<AptitudeOutcome> outcomes, IReadOnlyList<AptitudeOutcome> failures)
    {
        var categoryOf = AptitudeSuite.Families.ToDictionary(f => f.Name, f => f.Category);
        var table = new Table().AddColumns("Category", "Tasks", "Accuracy");
        foreach (var category in outcomes.GroupBy(o => categoryOf.GetValueOrDefault(o.Task, "other")))
        {
            table.AddRow(
                new Text(category.Key),
                new Text(category.Select(o => o.Task).Distinct().Count().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(category.Average(o => o.Score).ToString("P1", System.Globalization.CultureInfo.InvariantCulture)));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{settings.Model}[/]: {outcomes.Average(o => o.Score):P1} of {outcomes.Count} items right (seed {settings.Seed}); results written to [green]{settings.OutputPath}[/].");
        if (settings.OutcomesPath is { } outcomesPath)
        {
            AnsiConsole.MarkupLineInterpolated($"Scored items written to [green]{outcomesPath}[/].");
        }

        if (failures.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{failures.Count} of {outcomes.Count} calls failed and count as wrong.[/]");
            foreach (var error in failures.Select(f => f.Error!).Distinct().Take(ErrorsShown))
            {
                AnsiConsole.MarkupLineInterpolated($"  [yellow]{error}[/]");
            }
        }
    }
}
