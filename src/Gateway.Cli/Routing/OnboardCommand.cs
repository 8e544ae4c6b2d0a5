using System.CommandLine;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Prediction;
using Spectre.Console;

namespace Gateway.Cli.Routing;

/// <summary><c>router onboard --model NAME --aptitude FILE --router DIR</c>: adds a model without retraining.</summary>
internal static class OnboardCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Name of the model to add (or update).", Required = true };
        var aptitude = new Option<FileInfo>("--aptitude") { Description = "The model's aptitude results: JSON with per-task accuracy.", Required = true };
        var router = new Option<DirectoryInfo>("--router") { Description = "Router artefact directory to update in place.", Required = true };
        var shrink = CliCommon.ShrinkOption();
        var command = new Command("onboard", "Add a model's capability vector to a router artefact; no retraining.") { model, aptitude, router, shrink };
        command.SetAction(parse =>
        {
            Run(parse.GetValue(router)!.FullName, parse.GetValue(model)!, parse.GetValue(aptitude)!.FullName, parse.GetValue(shrink));
            return 0;
        });
        return command;
    }

    public static void Run(string routerDir, string model, string aptitudePath, bool shrink)
    {
        var artifact = RouterArtifactStore.Load(routerDir);
        var file = AptitudeFile.Read(aptitudePath);
        var measured = file.ToVector(artifact.Tasks);
        var vector = measured;
        var references = artifact.Capabilities.Where(p => p.Key != model).Select(p => p.Value).ToArray();
        var how = "as measured";
        if (shrink && file.ItemsPerTask is { } items && references.Length >= CapabilityShrinkage.MinimumReferences)
        {
            vector = CapabilityShrinkage.Shrink(measured, references, items);
            how = $"shrunk towards {references.Length} other models, mean {measured.Average():F3} measured";
        }
        else if (shrink)
        {
            how = file.ItemsPerTask is null ? "as measured: the file gives no items_per_task" : $"as measured: {references.Length} other models are too few to shrink towards";
        }

        RouterArtifactStore.Save(routerDir, artifact.WithCapability(model, vector));
        AnsiConsole.MarkupLineInterpolated($"Onboarded [green]{model}[/] into {routerDir} ({vector.Length} tasks, mean aptitude {vector.Average():F3}, {how}).");
    }
}
