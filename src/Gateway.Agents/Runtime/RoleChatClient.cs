using System.Diagnostics;
using System.Runtime.CompilerServices;
using Gateway.Agents.Configuration;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Runtime;

/// <summary>
/// One role's model as an <see cref="IChatClient"/>: fills in the role's settings (max tokens,
/// temperature, seed) where a call leaves them unset, refuses calls once the run's token budget is
/// spent, records each call's usage and time under the role, and turns a model failure into an
/// <see cref="AgentRunException"/>. Semantic Kernel code gets the same client through <see cref="AgentRun.KernelFor"/>.
/// </summary>
internal sealed class RoleChatClient : DelegatingChatClient
{
    private readonly string _role;
    private readonly RoleOptions _settings;
    private readonly long _budget;
    private readonly AgentTraceBuilder _trace;

    public RoleChatClient(IChatClient inner, string role, RoleOptions settings, long budget, AgentTraceBuilder trace) : base(inner)
    {
        _role = role;
        _settings = settings;
        _budget = budget;
        _trace = trace;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var effective = Prepare(options);
        var start = Stopwatch.GetTimestamp();
        using var span = AgentTracing.StartRoleCall(_role, _settings.Model);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, effective, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not AgentLimitException and not AgentRunException)
        {
            AgentTracing.RoleCallEnded(span, null, 0, 0, ex);
            throw Failure(ex);
        }

        Record(start, response.ModelId, response.Usage);
        AgentTracing.RoleCallEnded(span, response.ModelId, response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0, null);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var effective = Prepare(options);
        var start = Stopwatch.GetTimestamp();
        var usage = new UsageDetails();
        string? model = null;
        using var span = AgentTracing.StartRoleCall(_role, _settings.Model);
        await using var updates = base.GetStreamingResponseAsync(messages, effective, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync())
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not AgentLimitException and not AgentRunException)
            {
                AgentTracing.RoleCallEnded(span, model, 0, 0, ex);
                throw Failure(ex);
            }

            model ??= updates.Current.ModelId;
            foreach (var content in updates.Current.Contents.OfType<UsageContent>())
            {
                usage.Add(content.Details);
            }

            yield return updates.Current;
        }

        Record(start, model, usage);
        AgentTracing.RoleCallEnded(span, model, usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0, null);
    }

    private ChatOptions Prepare(ChatOptions? options)
    {
        if (_budget > 0 && _trace.TotalTokens >= _budget)
        {
            throw new AgentLimitException($"The run spent its token budget ({_trace.TotalTokens} of {_budget} tokens) before the {_role} could answer.");
        }

        var effective = options?.Clone() ?? new ChatOptions();
        effective.MaxOutputTokens ??= _settings.MaxTokens;
        effective.Temperature ??= _settings.Temperature;
        effective.Seed ??= _settings.Seed;
        return effective;
    }

    private void Record(long start, string? model, UsageDetails? usage)
    {
        _trace.AddTiming(_role, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        _trace.AddUsage(_role, model ?? _settings.Model, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
    }

    private AgentRunException Failure(Exception ex) => ex is System.ClientModel.ClientResultException { Status: 401 or 403 or 429 } refused
        ? new AgentRunException($"The {_role} model '{_settings.Model}' refused the call: {ex.Message}",
            refused.Status == 429 ? "rate_limit_exceeded" : "agent_model_not_allowed", ex, refused.Status)
        : new AgentRunException($"The {_role} model '{_settings.Model}' failed: {ex.Message}", "agent_model_error", ex);
}
