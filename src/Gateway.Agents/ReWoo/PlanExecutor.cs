using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;

namespace Gateway.Agents.ReWoo;

/// <summary>A step of the caller's own tool that is ready to run: its dependencies have evidence, its input is substituted.</summary>
internal sealed record WaitingStep(PlannedStep Step, string Input);

/// <summary>Where a plan stands: every step's evidence so far, and the caller's steps that are ready for the caller to run.</summary>
internal sealed record PlanProgress(IReadOnlyDictionary<string, string> Evidence, IReadOnlyList<WaitingStep> Waiting);

/// <summary>
/// Runs a plan as a DAG: a step starts as soon as every step it refers to has finished, so
/// independent steps run in parallel (at most <c>MaxParallelTools</c> at once). A step's input
/// gets its references replaced by their evidence first; a failed, timed-out or unknown tool leaves
/// evidence that says so, and the steps after it still run. A step of the caller's own tool does not run
/// here: once its dependencies have evidence it waits for the caller, and the steps that refer to it wait too.
/// </summary>
internal static class PlanExecutor
{
    /// <summary>
    /// Runs every step that can run now and has no evidence in <paramref name="known"/> (a resumed plan's steps that
    /// ran before the pause, and the caller's results); returns the evidence and the caller's steps now ready.
    /// </summary>
    public static async Task<PlanProgress> RunAsync(
        AgentRun run, IReadOnlyList<PlannedStep> plan, IReadOnlyDictionary<string, string> known, CancellationToken cancellationToken)
    {
        var limits = run.Definition.Limits;
        using var slots = new SemaphoreSlim(limits.MaxParallelTools);
        var evidence = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(known, StringComparer.Ordinal);
        var waiting = new System.Collections.Concurrent.ConcurrentBag<WaitingStep>();
        var tasks = new Dictionary<string, Task<bool>>(StringComparer.Ordinal);

        // Validated plans have no cycles, so visiting dependencies first always terminates.
        Task<bool> Schedule(PlannedStep step)
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

        // True once the step has evidence; false while it, or a step it refers to, waits for the caller.
        async Task<bool> RunStepAsync(PlannedStep step, Task<bool>[] dependencies)
        {
            var ready = (await Task.WhenAll(dependencies)).All(done => done);
            if (evidence.ContainsKey(step.Id))
            {
                return true;
            }

            if (!ready)
            {
                return false;
            }

            var input = PlanParser.Substitute(step.Input, evidence);
            if (run.FindClientTool(step.Tool) is not null)
            {
                waiting.Add(new WaitingStep(step, input));
                return false;
            }

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
            return true;
        }

        foreach (var step in plan)
        {
            _ = Schedule(step);
        }

        await Task.WhenAll(tasks.Values);
        var order = plan.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        return new PlanProgress(evidence, [.. waiting.OrderBy(w => order[w.Step.Id])]);
    }
}
