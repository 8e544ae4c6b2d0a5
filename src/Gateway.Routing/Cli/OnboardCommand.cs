using System.CommandLine;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Prediction;
using Spectre.Console;

namespace Gateway.Routing.Cli;

/// <summary><c>router onboard --model NAME --aptitude FILE --router DIR</c>: adds a model without retraining.</summary>
internal static class OnboardCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Name of the model to add (or update).", Required = true };
        var aptitude = new Option<FileInfo>("--aptitude") { Description = "The model's aptitude results: JSON with per-task accuracy.", Required = true };
        var router = new Option<DirectoryInfo>("--router") { Description = "Router artefact directory to update in place.", Required = true };
        var command = new Command("onboard", "Add a model's capability vector to a router artefact; no retraining.") { model, aptitude, router };
        command.SetAction(parse =>
        {
            Run(parse.GetValue(router)!.FullName, parse.GetValue(model)!, parse.GetValue(aptitude)!.FullName);
            return 0;
        });
        return command;
    }

    public static void Run(string routerDir, string model, string aptitudePath)
    {
        var artifact = RouterArtifactStore.Load(routerDir);
        var vector = AptitudeFile.Read(aptitudePath).ToVector(artifact.Tasks);
        RouterArtifactStore.Save(routerDir, artifact.WithCapability(model, vector));
        AnsiConsole.MarkupLineInterpolated($"Onboarded [green]{model}[/] into {routerDir} ({vector.Length} tasks, mean aptitude {vector.Average():F3}).");
    }
}
