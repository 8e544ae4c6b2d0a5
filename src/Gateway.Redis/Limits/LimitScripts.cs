namespace Gateway.Redis.Limits;

/// <summary>
/// The Lua that makes limits atomic across replicas: Redis runs a script alone, so a check, its
/// count and its reservation cannot interleave with another replica's. Every key a script touches
/// is passed in KEYS and shares one hash tag, so the scripts also run on a cluster.
/// </summary>
internal static class LimitScripts
{
    /// <summary>
    /// KEYS: requests, tokens and spend counters of the current windows. ARGV: requests, tokens and
    /// micro-dollar limits (-1 when not set); the requests, tokens and spend counters' times to live
    /// in ms; the tokens and micro-dollars to reserve. Counts the request and adds the reservation
    /// only when every set limit's usage (reservations included) is below it; returns
    /// {allowed, requests, tokens, spend} with the reservation counted.
    /// </summary>
    public const string Acquire = """
        local rpm, tpm, budget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local requests = tonumber(redis.call('GET', KEYS[1]) or '0')
        local tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
        local spend = tonumber(redis.call('GET', KEYS[3]) or '0')
        if (rpm >= 0 and requests >= rpm) or (tpm >= 0 and tokens >= tpm) or (budget >= 0 and spend >= budget) then
          return {0, requests, tokens, spend}
        end
        if rpm >= 0 then
          requests = redis.call('INCR', KEYS[1])
          if requests == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
        end
        local reserveTokens, reserveSpend = tonumber(ARGV[7]), tonumber(ARGV[8])
        if reserveTokens > 0 then
          tokens = redis.call('INCRBY', KEYS[2], reserveTokens)
          if tokens == reserveTokens then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
        end
        if reserveSpend > 0 then
          spend = redis.call('INCRBY', KEYS[3], reserveSpend)
          if spend == reserveSpend then redis.call('PEXPIRE', KEYS[3], ARGV[6]) end
        end
        return {1, requests, tokens, spend}
        """;

    /// <summary>
    /// KEYS: tokens and spend counters of the current windows. ARGV: signed token and micro-dollar
    /// deltas, and each counter's time to live in ms, set when an add created the counter (the
    /// window is in the key's name). A positive delta is a charge, a negative one a refund that
    /// stops at zero (a counter that expired or was lost has nothing to refund). Serves plain
    /// charges and settlements alike: which window a settlement's delta belongs to is decided by
    /// the caller, who names the current windows' keys.
    /// </summary>
    public const string Apply = """
        local function apply(key, delta, ttl)
          local n = tonumber(delta)
          if n > 0 then
            if redis.call('INCRBY', key, delta) == n then redis.call('PEXPIRE', key, ttl) end
          elseif n < 0 then
            local count = redis.call('GET', key)
            if count then
              if tonumber(count) + n > 0 then redis.call('INCRBY', key, delta) else redis.call('DECRBY', key, count) end
            end
          end
        end
        apply(KEYS[1], ARGV[1], ARGV[3])
        apply(KEYS[2], ARGV[2], ARGV[4])
        return 1
        """;
}
