using Gateway.Craft.Toolsets;
using StackExchange.Redis;

namespace Gateway.Redis.Toolsets;

/// <summary>
/// Toolsets in Redis, shared by every replica on it: a set of names (<c>&lt;prefix&gt;craft:toolsets</c>) and one
/// string per toolset holding its archive (<c>&lt;prefix&gt;craft:toolset:&lt;name&gt;</c>), replaced whole on save
/// with the version raised by one inside Redis. The prefix and connection are the gateway's shared ones.
/// </summary>
internal sealed class RedisToolsetStore(RedisConnection redis, TimeProvider time) : IToolsetStore
{
    /// <summary>KEYS: the toolset, the name set. ARGV: name, archive with version placeholder. Returns the new version.</summary>
    private const string SaveScript = """
        local version = 1
        local old = redis.call('GET', KEYS[1])
        if old then
          local v = string.match(old, '"version"%s*:%s*(%d+)')
          if v then version = tonumber(v) + 1 end
        end
        local archive = string.gsub(ARGV[2], '"version"%s*:%s*0', '"version": ' .. version, 1)
        redis.call('SET', KEYS[1], archive)
        redis.call('SADD', KEYS[2], ARGV[1])
        return version
        """;

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var members = await redis.Database.SetMembersAsync(NamesKey);
        return members.Select(m => (string)m!).Order(StringComparer.Ordinal).ToList();
    }

    public async Task<Toolset?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!Toolset.IsValidName(name))
        {
            return null;
        }

        var value = await redis.Database.StringGetAsync(ToolsetKey(name));
        return value.IsNullOrEmpty ? null : ToolsetArchive.Deserialize(value!, $"Toolset '{name}' in Redis");
    }

    public async Task<Toolset> SaveAsync(Toolset toolset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolset);
        ToolsetJson.Validate(toolset, $"Toolset '{toolset.Name}'");
        var manifest = toolset.Manifest with
        {
            Format = ToolsetManifest.CurrentFormat,
            Version = 0,
            UpdatedAt = time.GetUtcNow(),
            Tools = toolset.Tools.Select(t => t.Name).ToList(),
        };
        var archive = ToolsetArchive.Serialize(new Toolset(manifest, toolset.Tools));
        var version = (int)await redis.Database.ScriptEvaluateAsync(SaveScript, [ToolsetKey(toolset.Name), NamesKey], [toolset.Name, archive]);
        return new Toolset(manifest with { Version = version }, toolset.Tools);
    }

    private RedisKey NamesKey => redis.Key("craft:toolsets");

    private RedisKey ToolsetKey(string name) => redis.Key("craft:toolset:" + name);
}
