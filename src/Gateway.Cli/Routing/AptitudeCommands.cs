using System.CommandLine;

namespace Gateway.Cli.Routing;

/// <summary>
/// The <c>aptitude</c> command line verbs: <c>run</c> (test a model through the gateway) and <c>list</c>
/// (show the task families). Attach the returned command to an executable's root command.
/// </summary>
internal static class AptitudeCommands
{
    /// <summary>Creates the <c>aptitude</c> command with its subcommands.</summary>
    public static Command Create()
    {
        var aptitude = new Command("aptitude", "Run the aptitude suite against a model and list its task families.");
        aptitude.Subcommands.Add(AptitudeRunCommand.Create());
        aptitude.Subcommands.Add(AptitudeListCommand.Create());
        return aptitude;
    }
}
