namespace Gateway.Redis.Keys;

/// <summary>Lua for the key store, so that each change of a key is one atomic step.</summary>
internal static class KeyScripts
{
    /// <summary>KEYS: the key's hash, the hash index entry, the set of names. ARGV: name, then field/value pairs.</summary>
    public const string Create = """
        if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV, 2, #ARGV))
        redis.call('SET', KEYS[2], ARGV[1])
        redis.call('SADD', KEYS[3], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: the hash index entry. ARGV: the prefix of key hashes. One round trip from a presented
    /// key's SHA-256 to its fields (the second key is derived, so this needs a single Redis or one slot).
    /// </summary>
    public const string FindByHash = """
        local name = redis.call('GET', KEYS[1])
        if not name then return false end
        return redis.call('HGETALL', ARGV[1] .. name)
        """;

    /// <summary>KEYS: the key's hash. ARGV: the revocation channel, this replica's id. Returns the revoked key's SHA-256.</summary>
    public const string Revoke = """
        local hash = redis.call('HGET', KEYS[1], 'hash')
        if not hash then return false end
        redis.call('HSET', KEYS[1], 'revoked', '1')
        redis.call('PUBLISH', ARGV[1], ARGV[2] .. '|' .. hash)
        return hash
        """;
}
