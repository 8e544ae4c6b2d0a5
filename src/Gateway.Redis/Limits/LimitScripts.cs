namespace Gateway.Redis.Limits;

/// <summary>
/// The Lua that makes limits atomic across replicas: Redis runs a script alone, so a check and
/// its count cannot interleave with another replica's.
/// </summary>
internal static class LimitScripts
{
    /// <summary>
    /// KEYS: requests, tokens and spend counters of the current windows. ARGV: requests, tokens and
    /// micro-dollar limits (-1 when not set) and the requests counter's time to live in ms.
    /// Counts the request only when every set limit has room; returns {allowed, requests, tokens, spend}.
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
        return {1, requests, tokens, spend}
        """;

    /// <summary>
    /// KEYS: tokens and spend counters. ARGV: tokens, micro-dollars, and each counter's time to
    /// live in ms, set when the add created the counter (the window is in the key's name).
    /// </summary>
    public const string Record = """
        local tokens, spend = tonumber(ARGV[1]), tonumber(ARGV[2])
        if tokens > 0 and redis.call('INCRBY', KEYS[1], tokens) == tokens then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        if spend > 0 and redis.call('INCRBY', KEYS[2], spend) == spend then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
        return 1
        """;
}
