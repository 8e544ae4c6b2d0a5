using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;

namespace Gateway.Agents.ReWoo;

/// <summary>
/// Runs a plan as a DAG: a step starts as soon as every step it refers to has finished, so
/// independent steps run in parallel (at most <c>MaxParallelTools</c> at once). A step's input
/// gets its references replaced by their evidence first; a failed, timed-out or unknown tool leaves
/// evidence that says so, and the steps after it still run.
/// </summary>
public static class PlanExecutor
{
    /// <summary>Runs the plan; returns each step's evidence by id.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(
        AgentRun run, IReadOnlyList<PlannedStep> plan, CancellationToken cancellationToken)
    {
        var limits = run.Definition.Limits;
        using var slots = new SemaphoreSlim(limits.MaxParallelTools);
        var evidence = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);

        // Validated plans have no cycles, so visiting dependencies first always terminates.
        Task Schedule(PlannedStep step)
        {
            if (tasks.TryGetValue(step.Id, out var existing))
            {
                return existing;
            }

            var dependencies = step.DependsOn.Select(id => Schedule(plan.First(s => s.Id == id))).ToArray();
            var task = RunStepAsync(step, dependencies);
            tasks[step.Id] = task;
            return task;
        }

        async Task RunStepAsync(PlannedStep step, Task[] dependencies)
        {
            await Task.WhenAll(dependencies);
            var input = PlanParser.Substitute(step.Input, evidence);
            await slots.WaitAsync(cancellationToken);
            ToolOutcome outcome;
            try
            {
                outcome = await run.CallToolAsync(step.Id, step.Tool, input,
                    tool => ToolInvoker.InvokeAsync(run.Kernel, tool, step.Tool, input, limits.ToolTimeout, cancellationToken),
                    cancellationToken);
            }
            finally
            {
                slots.Release();
            }

            evidence[step.Id] = outcome.Output;
        }

        foreach (var step in plan)
        {
            _ = Schedule(step);
        }

        await Task.WhenAll(tasks.Values);
        return evidence;
    }
}
