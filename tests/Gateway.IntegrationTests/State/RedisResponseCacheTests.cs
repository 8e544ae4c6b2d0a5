using Gateway.State;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.State;

public sealed class RedisResponseCacheTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly List<RedisReplica> _replicas = [];

    [Fact]
    public async Task GetAsync_SetByAnotherReplica_ReturnsTheSameBytes()
    {
        var (a, b) = (Replica(), Replica());
        var body = "data: {\"choices\":[]}\n\ndata: [DONE]\n\n"u8.ToArray();

        await a.Cache.SetAsync("req-1", new CachedResponse(200, "text/event-stream", body, "small"), TimeSpan.FromMinutes(1), default);
        var hit = await b.Cache.GetAsync("req-1", default);

        Assert.NotNull(hit);
        Assert.Equal(body, hit.Body);
        Assert.Equal((200, "text/event-stream", "small"), (hit.Status, hit.ContentType, hit.Model));
        Assert.Null(await b.Cache.GetAsync("req-2", default));
    }

    [Fact]
    public async Task SetAsync_WithTimeToLive_ExpiresInRedis()
    {
        var replica = Replica();
        var response = new CachedResponse(200, "application/json", "{}"u8.ToArray(), "small");

        await replica.Cache.SetAsync("long", response, TimeSpan.FromHours(1), default);
        await replica.Cache.SetAsync("short", response, TimeSpan.FromMilliseconds(150), default);
        var ttl = await replica.Connection.Database.KeyTimeToLiveAsync(_prefix + "cache:long");
        // Redis expires the entry on its own clock; the store only reads what is left. The short entry's own TTL is
        // not read: on a busy machine it may already be gone, and its expiry is what shows the TTL reached Redis.
        await Poll.UntilAsync(async () => await replica.Cache.GetAsync("short", default) is null, "Redis never expired the short entry");

        // The hour of slack below the set TTL only absorbs a stalled test, it measures nothing.
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        Assert.NotNull(await replica.Cache.GetAsync("long", default));
    }

    public void Dispose() => _replicas.ForEach(r => r.Dispose());

    private RedisReplica Replica()
    {
        var replica = new RedisReplica(redis.Server.ConnectionString, _prefix);
        _replicas.Add(replica);
        return replica;
    }
}
