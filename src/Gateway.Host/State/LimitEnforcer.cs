using System.Globalization;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Metrics;
using Gateway.State;

namespace Gateway.Host.State;

/// <summary>
/// Per-key limits on the front door: counts the request and reserves what it is expected to use
/// (429 with <c>Retry-After</c> when a limit is reached), reports every configured limit in
/// <c>x-ratelimit-*</c> headers, OpenAI-style (remaining tokens and budget net of outstanding
/// reservations), and settles the reservation to the real use once the request ends.
/// </summary>
/// <remarks>
/// The limit store identifies a key's counters by <see cref="StoreKey"/>; every call here uses it,
/// so admission, settlement and plain charges always meet in the same counters.
/// </remarks>
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

    /// <summary>Admits a request reserving nothing; its use is charged by <see cref="RecordAsync"/>.</summary>
    public async ValueTask<GatewayError?> AcquireAsync(HttpContext context, VirtualKey key) =>
        (await AcquireAsync(context, key, LimitCharge.None)).Error;

    /// <summary>
    /// Admits a request under its key's limits and reserves <paramref name="reserve"/> (tokens under
    /// a token limit, spend under a budget) until <see cref="SettleAsync"/>.
    /// </summary>
    /// <returns>
    /// The error to answer with (429, or 503 when the store fails closed), or the admission with
    /// the reservation to settle (null for a key without limits).
    /// </returns>
    public ValueTask<LimitAdmission> AcquireAsync(HttpContext context, VirtualKey key, LimitCharge reserve) =>
        AcquireAsync(context.Response.Headers, key, reserve, context.RequestAborted);

    /// <summary>Admits one call that is not an HTTP request of its own (an MCP tool call), reserving nothing.</summary>
    public async ValueTask<GatewayError?> AcquireCallAsync(VirtualKey key, CancellationToken cancellationToken) =>
        (await AcquireAsync(null, key, LimitCharge.None, cancellationToken)).Error;

    private async ValueTask<LimitAdmission> AcquireAsync(IHeaderDictionary? headers, VirtualKey key, LimitCharge reserve, CancellationToken cancellationToken)
    {
        if (key.Limits is not { } limits)
        {
            return default;
        }

        var decision = await _store.AcquireAsync(StoreKey(key), limits, reserve, cancellationToken);
        if (headers is not null)
        {
            WriteHeaders(headers, decision.States);
        }

        if (decision.Allowed)
        {
            return new LimitAdmission(null, decision.Reservation);
        }

        if (decision.Rejected is not { } kind)
        {
            _metrics.LimitRejections.WithLabels("unavailable").Inc();
            return new LimitAdmission(GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                $"Limits cannot be checked right now ({decision.Reason ?? "limit store unavailable"}); retry shortly.", "limits_unavailable")
                with
            { RetryAfter = decision.RetryAfter }, null);
        }

        _metrics.LimitRejections.WithLabels(Label(kind)).Inc();
        var message = kind switch
        {
            LimitKind.Requests => $"Rate limit reached for key '{key.Name}': {limits.RequestsPerMinute} requests per minute.",
            LimitKind.Tokens => $"Rate limit reached for key '{key.Name}': {limits.TokensPerMinute} tokens per minute.",
            _ => $"Budget exhausted for key '{key.Name}': {limits.BudgetUsd} USD per {limits.Period}.",
        };
        return new LimitAdmission(new GatewayError(StatusCodes.Status429TooManyRequests, message, OpenAIErrorTypes.RateLimit, null,
            kind == LimitKind.Budget ? "budget_exceeded" : "rate_limit_exceeded")
        { RetryAfter = decision.RetryAfter }, null);
    }

    /// <summary>
    /// Settles an admitted request's reservation to its real use: <paramref name="tokens"/> and
    /// <paramref name="spend"/> (0 and 0 for a request that failed before any token, which refunds
    /// the reservation). Summed briefly per key, see <see cref="LimitsOptions"/>. With no
    /// reservation this is <see cref="RecordAsync"/>. Call it once per admission.
    /// </summary>
    public ValueTask SettleAsync(VirtualKey key, LimitReservation? reservation, long tokens, decimal spend)
    {
        if (reservation is null)
        {
            return RecordAsync(key, tokens, spend);
        }

        // The limits admitted under travel with the key; a reservation that holds nothing under limits
        // that count nothing has nothing to settle.
        var limits = key.Limits ?? KeyLimits.None;
        return reservation.Tokens == 0 && reservation.SpendUsd == 0 && limits.TokensPerMinute is null && limits.BudgetUsd is null
            ? ValueTask.CompletedTask
            : _usage.SettleAsync(StoreKey(key), limits, reservation, tokens, spend);
    }

    /// <summary>Adds a finished request's tokens and spend, with no reservation, to the key's windows (summed briefly, see <see cref="LimitsOptions"/>).</summary>
    public ValueTask RecordAsync(VirtualKey key, long tokens, decimal spend) =>
        key.Limits is { } limits && (limits.TokensPerMinute is not null || limits.BudgetUsd is not null)
            ? _usage.AddAsync(StoreKey(key), limits, tokens, spend)
            : ValueTask.CompletedTask;

    /// <summary>The string the limit store counts <paramref name="key"/> under.</summary>
    /// <remarks>The key's id, not its name: a key revoked and created again under its name starts with fresh counters.</remarks>
    private static string StoreKey(VirtualKey key) => key.Id.Length > 0 ? key.Id : key.Name;

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

/// <summary>The outcome of <see cref="LimitEnforcer.AcquireAsync(HttpContext, VirtualKey, LimitCharge)"/>.</summary>
/// <param name="Error">The error to answer with, or null when the request was admitted.</param>
/// <param name="Reservation">What the admitted request holds until it settles; null when rejected or when the key has no limits.</param>
internal readonly record struct LimitAdmission(GatewayError? Error, LimitReservation? Reservation);
