using System.CommandLine;
using Gateway.Cli.Agents.Traces;

namespace Gateway.Cli.Agents;

/// <summary><c>agents</c>: verbs about the configured agents (<c>agents traces</c> exports role-model training data, <c>agents report</c> compares runs on tool items).</summary>
internal static class AgentsCommand
{
    public static Command Create()
    {
        var agents = new Command("agents", "The configured agents: export role-model training traces; compare aptitude runs on tool items.");
        agents.Subcommands.Add(TracesCommand.Create());
        agents.Subcommands.Add(AgentReportCommand.Create());
        return agents;
    }
}
