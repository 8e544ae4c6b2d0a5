using Gateway.State;

namespace Gateway.IntegrationTests.State;

public sealed class RedisKeyStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(5);

    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly List<RedisReplica> _replicas = [];

    [Fact]
    public async Task CreateAsync_NewKey_IsFoundAndListedByTheOtherReplica()
    {
        var (a, b) = (Replica(), Replica());
        var key = Key("team-a", "AB12");

        Assert.True(await a.Keys.CreateAsync(key, default));

        var found = await b.Keys.FindByHashAsync("ab12", default);
        Assert.NotNull(found);
        Assert.Equal((key.Name, "ab12", key.Admin, key.Cache, key.Limits, key.CreatedAt), (found.Name, found.Hash, found.Admin, found.Cache, found.Limits, found.CreatedAt));
        Assert.Equal(key.Models, found.Models);
        Assert.Equal((true, 0.875, "acme"), (found.SemanticCache, found.SemanticCacheThreshold, found.CacheTenant));
        Assert.Equal(["team-a"], (await b.Keys.ListAsync(default)).Select(k => k.Name));
        Assert.Null(await b.Keys.FindByHashAsync("ffff", default));
    }

    [Fact]
    public async Task CreateAsync_NameOrHashTaken_ReturnsFalse()
    {
        var (a, b) = (Replica(), Replica());
        await a.Keys.CreateAsync(Key("team-a", "aa"), default);

        Assert.False(await b.Keys.CreateAsync(Key("team-a", "bb"), default));
        Assert.False(await b.Keys.CreateAsync(Key("team-b", "aa"), default));
        Assert.Single(await a.Keys.ListAsync(default));
    }

    [Fact]
    public async Task RevokeAsync_OnOneReplica_RaisesKeyRevokedOnBoth()
    {
        var (a, b) = (Replica(), Replica());
        await a.Keys.CreateAsync(Key("team-a", "aa"), default);
        await a.Keys.CreateAsync(Key("team-b", "bb"), default);
        var onA = new List<string>();
        var onB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var laterOnA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Keys.KeyRevoked += h =>
        {
            lock (onA)
            {
                onA.Add(h);
            }

            if (h == "bb")
            {
                laterOnA.TrySetResult();
            }
        };
        b.Keys.KeyRevoked += h => onB.TrySetResult(h);

        Assert.True(await a.Keys.RevokeAsync("team-a", default));

        Assert.Equal("aa", await onB.Task.WaitAsync(EventTimeout));
        Assert.True((await b.Keys.FindByHashAsync("aa", default))!.Revoked);
        // A's own revocation comes back to it over the channel too, and must not be raised again: a later one from B
        // arrives after it, so once that one is raised on A, a second "aa" would have been.
        Assert.True(await b.Keys.RevokeAsync("team-b", default));
        await laterOnA.Task.WaitAsync(EventTimeout);
        lock (onA)
        {
            Assert.Equal(["aa", "bb"], onA);
        }
    }

    [Fact]
    public async Task RevokeAsync_UnknownName_ReturnsFalse()
    {
        Assert.False(await Replica().Keys.RevokeAsync("nobody", default));
    }

    public void Dispose() => _replicas.ForEach(r => r.Dispose());

    private RedisReplica Replica()
    {
        var replica = new RedisReplica(redis.Server.ConnectionString, _prefix);
        _replicas.Add(replica);
        return replica;
    }

    private static StoredKey Key(string name, string hash) => new(
        name, hash, ["small", "large"], Admin: true,
        new KeyLimits(RequestsPerMinute: 60, TokensPerMinute: 10_000, BudgetUsd: 1.25m, BudgetPeriod: TimeSpan.FromDays(7)),
        DateTimeOffset.FromUnixTimeMilliseconds(1_770_000_000_000), Cache: true,
        SemanticCache: true, SemanticCacheThreshold: 0.875, CacheTenant: "acme");
}
