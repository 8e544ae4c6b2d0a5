using System.Globalization;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;
using Gateway.Craft;
using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;
using Microsoft.SemanticKernel;

namespace Gateway.Host.Agents;

/// <summary>
/// <c>"Kind": "craft"</c>: CRAFT at inference. Retrieves the toolset functions the task needs, has the
/// <c>coder</c> role's model write a program that calls them, runs it in the sandbox and answers with its value.
/// Settings (<c>Gateway:Agents:&lt;name&gt;:Settings</c>): <c>Toolsets</c> (comma-separated; empty: all) and
/// <c>MaxAttempts</c>. The trace records retrieval as a turn and every sandbox run as a step. It takes none of
/// the caller's own tools (<see cref="IAgentKind.SupportsClientTools"/> stays false): the program calls toolset
/// functions inside the sandbox in one go and cannot stop half-way for the caller.
/// </summary>
internal sealed class CraftAgentKind(IServiceProvider services) : IAgentKind
{
    // Resolved on the first run: the agent loads the MiniLM encoder for retrieval, which a gateway that never
    // runs a CRAFT agent should not pay for in memory or start-up time.
    private readonly Lazy<CraftAgent> _agent = new(services.GetRequiredService<CraftAgent>);

    public const string Role = "coder";

    /// <summary>The trace's name for a run of the program in the sandbox.</summary>
    public const string SandboxStep = "sandbox";

    public string Kind => "craft";

    public async Task<AgentOutcome> RunAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var task = run.Task;
        if (string.IsNullOrWhiteSpace(task))
        {
            throw new AgentRunException("The conversation has no user message to solve.", "agent_input_invalid");
        }

        var settings = run.Definition.Settings;
        var options = new CraftAgentOptions
        {
            Toolsets = settings.TryGetValue("Toolsets", out var toolsets) && !string.IsNullOrWhiteSpace(toolsets)
                ? toolsets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [],
            MaxAttempts = settings.TryGetValue("MaxAttempts", out var attempts) && int.TryParse(attempts, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 5) : 2,
            MaxOutputTokens = run.Models.Settings(Role).MaxTokens,
        };

        var started = run.Trace.ElapsedMilliseconds;
        CraftAnswer answer;
        try
        {
            answer = await _agent.Value.RunAsync(task, run.Models.For(Role), options, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException)
        {
            throw new AgentRunException($"The CRAFT agent could not run: {ex.Message}", "agent_tool_error", ex);
        }

        var trace = answer.Trace;
        run.Trace.AddTurn(new TurnTrace("retriever",
            trace.RetrievedTools.Count == 0 ? "No toolset function matched the task." : "Retrieved " + string.Join(", ", trace.RetrievedTools) + (trace.Retrieval.FellBack ? " (best scores; no tool had two votes)." : ".")));
        var elapsed = run.Trace.ElapsedMilliseconds - started;
        run.Trace.AddGatewayTools([SandboxStep]);
        for (var i = 0; i < trace.Attempts.Count; i++)
        {
            var attempt = trace.Attempts[i];
            var status = attempt.Error is null ? "ok" : attempt.Result?.Error == SandboxErrorKind.Timeout ? "timeout" : "error";
            run.Trace.AddStep(new StepTrace(
                "E" + (i + 1).ToString(CultureInfo.InvariantCulture), SandboxStep, attempt.Code ?? "(no code in the reply)",
                attempt.Error is null ? attempt.Result?.Json ?? "" : "Error: " + attempt.Error, status, started, elapsed));
        }

        return answer.Succeeded
            ? new AgentOutcome(answer.Answer ?? "")
            : new AgentOutcome($"No program that runs was found in {trace.Attempts.Count} tries: {(trace.Attempts.Count > 0 ? trace.Attempts[^1].Error : null) ?? "no reply"}.", AgentRunStatus.Failed);
    }
}

/// <summary>The stored CRAFT toolsets as agent tools: one plugin per toolset, each function run in the sandbox.</summary>
internal sealed class CraftToolSource(CraftPlugins plugins) : IAgentToolSource
{
    public string Name => "toolsets";

    public async ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken) =>
        await plugins.GetAllAsync(cancellationToken);
}
