using System.Diagnostics;

namespace Gateway.Agents.Runtime;

/// <summary>Collects a run's trace; safe to use from parallel tool steps.</summary>
public sealed class AgentTraceBuilder
{
    private readonly object _gate = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly List<StepTrace> _steps = [];
    private readonly List<TurnTrace> _turns = [];
    private readonly Dictionary<string, (HashSet<string> Models, int Calls, long Prompt, long Completion)> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _timings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gatewayTools = new(StringComparer.Ordinal);
    private IReadOnlyList<PlannedStep>? _plan;

    /// <summary>Starts a trace; the run's clock (<see cref="ElapsedMilliseconds"/>) starts now.</summary>
    /// <param name="id">The run's id, <c>run_</c> and 32 hex digits for runs the runner starts.</param>
    public AgentTraceBuilder(string id) => Id = id;

    /// <summary>The run's id, returned to the caller and written in logs.</summary>
    public string Id { get; }

    /// <summary>Milliseconds since the run started.</summary>
    public double ElapsedMilliseconds => Stopwatch.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>Prompt plus completion tokens spent so far by every role: what the run's token budget is checked against.</summary>
    public long TotalTokens
    {
        get
        {
            lock (_gate)
            {
                return _roles.Values.Sum(r => r.Prompt + r.Completion);
            }
        }
    }

    /// <summary>
    /// The names of the steps the gateway itself runs in this run (the agent's tools, a kind's own steps such as
    /// CRAFT's <c>sandbox</c>): a set the operator's configuration bounds, unlike a name a model or a caller chose.
    /// </summary>
    public IReadOnlySet<string> GatewayTools
    {
        get
        {
            lock (_gate)
            {
                return new HashSet<string>(_gatewayTools, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Adds to <see cref="GatewayTools"/>.</summary>
    public void AddGatewayTools(IEnumerable<string> names)
    {
        lock (_gate)
        {
            _gatewayTools.UnionWith(names);
        }
    }

    /// <summary>Records the ReWOO plan, replacing any earlier one (a resumed run sets the plan it read back).</summary>
    public void SetPlan(IReadOnlyList<PlannedStep> plan)
    {
        lock (_gate)
        {
            _plan = plan;
        }
    }

    /// <summary>Records a tool step; steps are ordered by their start time when the trace is built.</summary>
    public void AddStep(StepTrace step)
    {
        lock (_gate)
        {
            _steps.Add(step);
        }
    }

    /// <summary>Records a model turn that is not a tool call, in the order turns are added.</summary>
    public void AddTurn(TurnTrace turn)
    {
        lock (_gate)
        {
            _turns.Add(turn);
        }
    }

    /// <summary>Counts one model call of <paramref name="role"/>: the model that answered and the tokens it spent.</summary>
    public void AddUsage(string role, string model, long promptTokens, long completionTokens)
    {
        lock (_gate)
        {
            var entry = _roles.TryGetValue(role, out var e) ? e : ([], 0, 0, 0);
            entry.Models.Add(model);
            _roles[role] = (entry.Models, entry.Calls + 1, entry.Prompt + promptTokens, entry.Completion + completionTokens);
        }
    }

    /// <summary>Adds <paramref name="milliseconds"/> to the named phase (<c>planning</c>, <c>tools</c>, <c>solving</c>…).</summary>
    public void AddTiming(string phase, double milliseconds)
    {
        lock (_gate)
        {
            _timings[phase] = _timings.GetValueOrDefault(phase) + milliseconds;
        }
    }

    /// <summary>
    /// The trace as it stands, with per-role and total usage and a <c>total</c> timing; the builder may go on
    /// collecting afterwards.
    /// </summary>
    /// <param name="agent">The agent's name.</param>
    /// <param name="kind">The agent's kind; empty when the run never started (unknown agent).</param>
    /// <param name="status">How the run ended.</param>
    /// <param name="answer">The answer, or for a paused run the content the caller sends back.</param>
    /// <param name="error">Why the run failed or stopped early; null otherwise.</param>
    /// <param name="toolCalls">Calls of the caller's tools the run is waiting on; null or empty for none.</param>
    public AgentTrace Build(string agent, string kind, AgentRunStatus status, string answer, string? error, IReadOnlyList<ClientToolCall>? toolCalls = null)
    {
        lock (_gate)
        {
            var roles = _roles.ToDictionary(r => r.Key, r => new RoleUsage([.. r.Value.Models.Order(StringComparer.Ordinal)], r.Value.Calls, r.Value.Prompt, r.Value.Completion), StringComparer.Ordinal);
            var prompt = roles.Values.Sum(r => r.PromptTokens);
            var completion = roles.Values.Sum(r => r.CompletionTokens);
            var timings = new Dictionary<string, double>(_timings, StringComparer.Ordinal) { ["total"] = ElapsedMilliseconds };
            return new AgentTrace(Id, agent, kind, status, answer, error, _plan, [.. _steps.OrderBy(s => s.StartedMilliseconds)], [.. _turns],
                roles, new TraceUsage(prompt, completion, prompt + completion), timings, toolCalls is { Count: > 0 } ? toolCalls : null);
        }
    }
}
