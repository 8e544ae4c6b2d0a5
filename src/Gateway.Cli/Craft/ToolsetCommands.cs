using System.CommandLine;
using System.Globalization;
using Gateway.Craft.Retrieval;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Craft.Verification;
using Gateway.Embeddings;
using Spectre.Console;

namespace Gateway.Cli.Craft;

/// <summary>
/// The <c>toolset</c> verbs: <c>create</c> (make tools from solved problems through the gateway), <c>list</c>,
/// <c>show</c>, <c>search</c>, <c>verify</c>, <c>import</c> and <c>export</c>. Attach the returned command to an
/// executable's root command.
/// </summary>
internal static class ToolsetCommands
{
    public static Command Create()
    {
        var toolset = new Command("toolset", "Create, inspect, verify, search, import and export CRAFT toolsets.");
        toolset.Subcommands.Add(ToolsetCreateCommand.Create());
        toolset.Subcommands.Add(List());
        toolset.Subcommands.Add(Show());
        toolset.Subcommands.Add(Search());
        toolset.Subcommands.Add(Verify());
        toolset.Subcommands.Add(Import());
        toolset.Subcommands.Add(Export());
        return toolset;
    }

    private static Command List()
    {
        var command = new Command("list", "List the stored toolsets with their versions and tool counts.");
        var open = CraftCliCommon.AddStoreOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = open(parse);
            var table = new Table().AddColumns("Toolset", "Version", "Tools", "Description");
            foreach (var name in await store.ListAsync(cancellationToken))
            {
                var set = await store.GetAsync(name, cancellationToken);
                table.AddRow(new Text(name), Number(set?.Version ?? 0), Number(set?.Tools.Count ?? 0), new Text(set?.Manifest.Description ?? ""));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var name = CraftCliCommon.NameArgument();
        var tool = new Option<string?>("--tool") { Description = "Show this tool in full (docstring, parameters, example, code)." };
        var command = new Command("show", "Show a toolset's tools, or one tool in full.") { name, tool };
        var open = CraftCliCommon.AddStoreOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await LoadAsync(open(parse), parse.GetValue(name)!, cancellationToken) is not { } set)
            {
                return 1;
            }

            if (parse.GetValue(tool) is { } toolName)
            {
                if (set.Find(toolName) is not { } found)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]Toolset '{set.Name}' has no tool '{toolName}'.[/] Its tools: {string.Join(", ", set.Tools.Select(t => t.Name))}");
                    return 1;
                }

                AnsiConsole.MarkupLineInterpolated($"[bold]{found.Name}[/] ({set.Name} v{set.Version}): {found.Docstring}");
                AnsiConsole.MarkupLineInterpolated($"Source problem: {found.SourceProblem}");
                AnsiConsole.MarkupLineInterpolated($"Example: {found.Name}({found.Example.Arguments.ToJsonString()}) returns {found.Example.Result?.ToJsonString() ?? "null"}");
                if (found.Parameters is { } parameters)
                {
                    AnsiConsole.WriteLine("Parameters: " + parameters.ToJsonString());
                }

                AnsiConsole.WriteLine(found.Code);
                return 0;
            }

            AnsiConsole.MarkupLineInterpolated($"[bold]{set.Name}[/] v{set.Version}: {set.Manifest.Description}");
            var table = new Table().AddColumns("Tool", "Docstring", "Source problem");
            foreach (var t in set.Tools)
            {
                table.AddRow(Markup.Escape(t.Name), Markup.Escape(t.Docstring), Markup.Escape(t.SourceProblem));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Search()
    {
        var name = CraftCliCommon.NameArgument();
        var query = new Argument<string>("query") { Description = "What the tool should do, or a problem to solve." };
        var top = CraftCliCommon.Positive(new Option<int>("--top") { Description = "Tools to show.", DefaultValueFactory = _ => 5 });
        var command = new Command("search", "Find a toolset's tools nearest to a query (MiniLM embeddings of docstring, name and source problem).") { name, query, top };
        var open = CraftCliCommon.AddStoreOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await LoadAsync(open(parse), parse.GetValue(name)!, cancellationToken) is not { } set)
            {
                return 1;
            }

            var index = ToolIndex.Build([set], PromptEncoders.Default);
            var table = new Table().AddColumns("Score", "Tool", "Docstring");
            foreach (var hit in index.Search(parse.GetValue(query)!, parse.GetValue(top)))
            {
                table.AddRow(hit.Score.ToString("0.000", CultureInfo.InvariantCulture), Markup.Escape(hit.Tool.Name), Markup.Escape(hit.Tool.Docstring));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Verify()
    {
        var name = CraftCliCommon.NameArgument();
        var command = new Command("verify", "Run every tool's example call in the sandbox and check its result.") { name };
        var open = CraftCliCommon.AddStoreOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await LoadAsync(open(parse), parse.GetValue(name)!, cancellationToken) is not { } set)
            {
                return 1;
            }

            var failures = await VerifyAllAsync(set, cancellationToken);
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "A toolset archive written by 'toolset export'." };
        var rename = new Option<string?>("--name") { Description = "Store it under this name instead of the archive's." };
        var command = new Command("import", "Verify the tools of a toolset archive in the sandbox and store them as a new version.") { file, rename };
        var open = CraftCliCommon.AddStoreOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            Toolset set;
            try
            {
                set = ToolsetArchive.Deserialize(await File.ReadAllTextAsync(path.FullName, cancellationToken), path.FullName);
                if (parse.GetValue(rename) is { } newName)
                {
                    set = ToolsetJson.Validate(set with { Manifest = set.Manifest with { Name = newName } }, newName);
                }
            }
            catch (Exception ex) when (ex is IOException or ToolsetFormatException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Cannot import {path.FullName}: {ex.Message}[/]");
                return 2;
            }

            if (await VerifyAllAsync(set, cancellationToken) > 0)
            {
                AnsiConsole.MarkupLine("[red]Nothing imported: every tool must pass its example.[/]");
                return 1;
            }

            var stored = await open(parse).SaveAsync(set, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Imported [green]{stored.Name}[/] v{stored.Version} ({stored.Tools.Count} tools).");
            return 0;
        });
        return command;
    }

    private static Command Export()
    {
        var name = CraftCliCommon.NameArgument();
        var file = new Argument<FileInfo>("file") { Description = "The archive to write (one JSON file)." };
        var command = new Command("export", "Write a toolset to one JSON archive file.") { name, file };
        var open = CraftCliCommon.AddStoreOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await LoadAsync(open(parse), parse.GetValue(name)!, cancellationToken) is not { } set)
            {
                return 1;
            }

            var path = parse.GetValue(file)!.FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, ToolsetArchive.Serialize(set) + "\n", cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Exported [green]{set.Name}[/] v{set.Version} ({set.Tools.Count} tools) to {path}.");
            return 0;
        });
        return command;
    }

    /// <summary>Runs every example; prints a table and returns how many failed.</summary>
    private static async Task<int> VerifyAllAsync(Toolset set, CancellationToken cancellationToken)
    {
        using var sandbox = new JsSandbox();
        var verifier = new ToolVerifier(sandbox);
        var table = new Table().AddColumns("Tool", "Result");
        var failures = 0;
        foreach (var tool in set.Tools)
        {
            var verification = await verifier.VerifyExampleAsync(tool, cancellationToken);
            failures += verification.Passed ? 0 : 1;
            table.AddRow(new Text(tool.Name), verification.Passed ? new Markup("[green]ok[/]") : new Markup($"[red]{Markup.Escape(verification.Reason)}[/]"));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{set.Tools.Count - failures} of {set.Tools.Count} tools of {set.Name} pass their examples.");
        return failures;
    }

    private static async Task<Toolset?> LoadAsync(IToolsetStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.GetAsync(name, cancellationToken) is { } set)
            {
                return set;
            }

            AnsiConsole.MarkupLineInterpolated($"[red]There is no toolset '{name}'.[/] Stored: {string.Join(", ", await store.ListAsync(cancellationToken))}");
        }
        catch (ToolsetFormatException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
        }

        return null;
    }

    private static Text Number(int value) => new(value.ToString(CultureInfo.InvariantCulture));
}
