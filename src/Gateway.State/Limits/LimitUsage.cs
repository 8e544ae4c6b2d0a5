namespace Gateway.State.Limits;

/// <summary>What a key used in its current windows, and how that turns into a decision.</summary>
internal readonly record struct LimitUsage(long Requests, long Tokens, decimal Spend)
{
    /// <summary>
    /// The exceeded limit that clears last (a request passes only when all clear), or null when
    /// every configured limit still has room for one more request.
    /// </summary>
    public LimitKind? Exceeded(KeyLimits limits, LimitClock clock)
    {
        LimitKind? worst = null;
        void Consider(LimitKind kind)
        {
            if (worst is null || clock.ResetIn(kind) > clock.ResetIn(worst.Value))
            {
                worst = kind;
            }
        }

        if (limits.RequestsPerMinute is { } rpm && Requests >= rpm)
        {
            Consider(LimitKind.Requests);
        }

        if (limits.TokensPerMinute is { } tpm && Tokens >= tpm)
        {
            Consider(LimitKind.Tokens);
        }

        if (limits.BudgetUsd is { } budget && Spend >= budget)
        {
            Consider(LimitKind.Budget);
        }

        return worst;
    }

    public IReadOnlyList<LimitState> States(KeyLimits limits, LimitClock clock)
    {
        var states = new List<LimitState>(3);
        if (limits.RequestsPerMinute is { } rpm)
        {
            states.Add(new LimitState(LimitKind.Requests, rpm, Math.Max(0, rpm - Requests), clock.MinuteResetIn));
        }

        if (limits.TokensPerMinute is { } tpm)
        {
            states.Add(new LimitState(LimitKind.Tokens, tpm, Math.Max(0, tpm - Tokens), clock.MinuteResetIn));
        }

        if (limits.BudgetUsd is { } budget)
        {
            states.Add(new LimitState(LimitKind.Budget, budget, Math.Max(0, budget - Spend), clock.PeriodResetIn));
        }

        return states;
    }

    /// <summary>The decision to return for this usage, with the state of every configured limit for the rate-limit headers.</summary>
    /// <param name="limits">The key's limits.</param>
    /// <param name="clock">The windows the usage was counted in, which give each limit's reset time.</param>
    /// <param name="rejected">The limit that refused the request, or null when it was allowed (and counted in this usage).</param>
    public LimitDecision Decide(KeyLimits limits, LimitClock clock, LimitKind? rejected) => rejected is { } kind
        ? new LimitDecision(false, kind, clock.ResetIn(kind), States(limits, clock))
        : new LimitDecision(true, null, TimeSpan.Zero, States(limits, clock));
}
