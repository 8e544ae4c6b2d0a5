using System.CommandLine;
using Gateway.Routing.Aptitude;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary><c>aptitude list [--seed N] [--task NAME]</c>: the task families with an example item each.</summary>
internal static class AptitudeListCommand
{
    private const int ExampleWidth = 70;

    public static Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "Suite seed for the examples.", DefaultValueFactory = _ => AptitudeSuite.DefaultSeed };
        var task = new Option<string?>("--task") { Description = "Show the full prompts and answers of one task family instead." };
        var items = new Option<int>("--items") { Description = "With --task: how many items to show.", DefaultValueFactory = _ => 3 };
        var command = new Command("list", "List the aptitude task families with an example item each.") { seed, task, items };
        command.SetAction(parse => parse.GetValue(task) is { } name
            ? ShowTask(parse.GetValue(seed), name, parse.GetValue(items))
            : ShowFamilies(parse.GetValue(seed)));
        return command;
    }

    private static int ShowFamilies(int seed)
    {
        var table = new Table().AddColumns("Task", "Category", "Example", "Answer");
        var tasks = AptitudeSuite.Create(seed, 1);
        foreach (var task in tasks)
        {
            var item = task.Items[0];
            table.AddRow(new Text(task.Name), new Text(task.Category), new Text(Shorten(Question(item))), new Text(item.Expected));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{tasks.Count} task families. Show one in full with [green]--task NAME[/].");
        return 0;
    }

    private static int ShowTask(int seed, string name, int count)
    {
        var task = AptitudeSuite.Create(seed, Math.Max(1, count)).FirstOrDefault(t => t.Name == name);
        if (task is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No task family '{name}'.[/] Run 'aptitude list' to see them.");
            return 1;
        }

        AnsiConsole.MarkupLineInterpolated($"[bold]{task.Name}[/] ({task.Category}): {task.Description}");
        foreach (var item in task.Items)
        {
            AnsiConsole.Write(new Rule(item.Id).LeftJustified());
            // Verbatim, not wrapped to the console width: this is exactly what the model receives.
            AnsiConsole.Profile.Out.Writer.WriteLine(item.Prompt);
            if (item.Plan is { } plan)
            {
                for (var i = 0; i < plan.Count; i++)
                {
                    AnsiConsole.Profile.Out.Writer.WriteLine($"#E{i + 1} = {plan[i].Tool}[{plan[i].Input}]");
                }
            }

            AnsiConsole.MarkupLineInterpolated($"Expected ({item.Format}): [green]{item.Expected}[/]");
        }

        return 0;
    }

    /// <summary>The question without the answer-format instruction the suite appends.</summary>
    private static string Question(AptitudeItem item) => item.Prompt[..item.Prompt.LastIndexOf("\n\n", StringComparison.Ordinal)];

    private static string Shorten(string text)
    {
        var line = string.Join(" ⏎ ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= ExampleWidth ? line : line[..(ExampleWidth - 1)] + "…";
    }
}
