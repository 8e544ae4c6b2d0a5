using System.Globalization;
using Gateway.Host.Auth;
using Gateway.Host.Errors;
using Gateway.Host.Metrics;
using Gateway.State;

namespace Gateway.Host.State;

/// <summary>
/// Per-key limits on the front door: counts the request (429 with <c>Retry-After</c> when a limit is
/// reached) and reports every configured limit in <c>x-ratelimit-*</c> headers, OpenAI-style.
/// </summary>
internal sealed class LimitEnforcer
{
    private readonly ILimitStore _store;
    private readonly GatewayMetrics _metrics;
    private readonly UsageRecorder _usage;

    public LimitEnforcer(ILimitStore store, GatewayMetrics metrics, UsageRecorder usage)
    {
        _store = store;
        _metrics = metrics;
        _usage = usage;
    }

    public async ValueTask<GatewayError?> AcquireAsync(HttpContext context, VirtualKey key)
    {
        if (key.Limits is not { } limits)
        {
            return null;
        }

        var decision = await _store.AcquireAsync(key.Name, limits, context.RequestAborted);
        WriteHeaders(context.Response.Headers, decision.States);
        if (decision.Allowed)
        {
            return null;
        }

        if (decision.Rejected is not { } kind)
        {
            _metrics.LimitRejections.WithLabels("unavailable").Inc();
            return GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                $"Limits cannot be checked right now ({decision.Reason ?? "limit store unavailable"}); retry shortly.", "limits_unavailable")
                with { RetryAfter = decision.RetryAfter };
        }

        _metrics.LimitRejections.WithLabels(Label(kind)).Inc();
        var message = kind switch
        {
            LimitKind.Requests => $"Rate limit reached for key '{key.Name}': {limits.RequestsPerMinute} requests per minute.",
            LimitKind.Tokens => $"Rate limit reached for key '{key.Name}': {limits.TokensPerMinute} tokens per minute.",
            _ => $"Budget exhausted for key '{key.Name}': {limits.BudgetUsd} USD per {limits.Period}.",
        };
        return new GatewayError(StatusCodes.Status429TooManyRequests, message, Gateway.Errors.OpenAIErrorTypes.RateLimit, null,
            kind == LimitKind.Budget ? "budget_exceeded" : "rate_limit_exceeded") { RetryAfter = decision.RetryAfter };
    }

    /// <summary>Adds a finished request's tokens and spend to the key's windows (summed briefly, see <see cref="LimitsOptions"/>).</summary>
    public ValueTask RecordAsync(VirtualKey key, long tokens, decimal spend) =>
        key.Limits is { } limits && (limits.TokensPerMinute is not null || limits.BudgetUsd is not null)
            ? _usage.AddAsync(key, limits, tokens, spend)
            : ValueTask.CompletedTask;

    private static void WriteHeaders(IHeaderDictionary headers, IReadOnlyList<LimitState> states)
    {
        foreach (var state in states)
        {
            var name = Label(state.Kind);
            headers[$"x-ratelimit-limit-{name}"] = state.Limit.ToString(CultureInfo.InvariantCulture);
            headers[$"x-ratelimit-remaining-{name}"] = Math.Max(0, state.Remaining).ToString(CultureInfo.InvariantCulture);
            headers[$"x-ratelimit-reset-{name}"] = Math.Ceiling(state.ResetIn.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        }
    }

    private static string Label(LimitKind kind) => kind switch
    {
        LimitKind.Requests => "requests",
        LimitKind.Tokens => "tokens",
        _ => "budget",
    };
}
