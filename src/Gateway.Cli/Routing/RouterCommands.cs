using System.CommandLine;

namespace Gateway.Cli.Routing;

/// <summary>
/// The <c>router</c> command line verbs: <c>train</c>, <c>eval</c>, <c>onboard</c> and <c>loo</c>. Attach the
/// returned command to an executable's root command.
/// </summary>
public static class RouterCommands
{
    /// <summary>Creates the <c>router</c> command with its subcommands.</summary>
    public static Command Create()
    {
        var router = new Command("router", "Train, evaluate and extend the learned router.");
        router.Subcommands.Add(TrainCommand.Create());
        router.Subcommands.Add(EvalCommand.Create());
        router.Subcommands.Add(OnboardCommand.Create());
        router.Subcommands.Add(LeaveOneOutCommand.Create());
        return router;
    }
}
