using System.CommandLine;
using Gateway.Routing.Aptitude;

namespace Gateway.Cli.Agents;

/// <summary><c>agents report --runs DIR [--direct MODEL] [--ratio AGENT,BASELINE]</c>: compares aptitude runs on the tool families.</summary>
internal static class AgentReportCommand
{
    public static Command Create()
    {
        var runs = new Option<DirectoryInfo>("--runs") { Description = "Folder of aptitude outcome files (*.jsonl, one model or agent each).", Required = true };
        var direct = new Option<string?>("--direct") { Description = "The model answering without tools, the baseline of the gap column." };
        var ratio = new Option<string?>("--ratio") { Description = "Two models, AGENT,BASELINE: print AGENT's tokens per solved 3-4 step item over BASELINE's." };
        var command = new Command("report", "Per tool family and model: accuracy, tokens, tokens per solved item, p50 latency, tool calls.") { runs, direct, ratio };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(runs)!;
            var files = folder.Exists ? folder.GetFiles("*.jsonl") : [];
            if (files.Length == 0)
            {
                Console.Error.WriteLine($"'{folder.FullName}' holds no outcome files (*.jsonl).");
                return 1;
            }

            var outcomes = files.SelectMany(f => AptitudeOutcomes.Read(f.FullName)).Where(o => o.Task.StartsWith("hop", StringComparison.Ordinal)).ToList();
            var pair = parse.GetValue(ratio)?.Split(',', StringSplitOptions.TrimEntries) is [var agent, var baseline] ? (agent, baseline) : ((string, string)?)null;
            Console.Out.Write(AgentReport.Format(AgentReport.Compute(outcomes), parse.GetValue(direct), pair));
            return 0;
        });
        return command;
    }
}
