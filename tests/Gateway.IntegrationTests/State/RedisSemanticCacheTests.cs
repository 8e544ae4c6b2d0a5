using Gateway.Redis;
using Gateway.Redis.Cache;
using Gateway.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.State;

public sealed class RedisSemanticCacheTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly List<RedisConnection> _connections = [];

    [Fact]
    public async Task FindAsync_StoredByAnotherReplica_HitsWithTheSameAnswer()
    {
        var (a, b) = (Replica(), Replica());
        var body = "{\"answer\":\"Paris\"}"u8.ToArray();

        await a.SetAsync("p", Unit(1, 0, 0, 0), new CachedResponse(200, "application/json", body, "m"), TimeSpan.FromMinutes(5), default);
        // cos((1,0,0,0), (0.96,0.28,0,0)) = 0.96.
        var hit = await b.FindAsync("p", Unit(0.96f, 0.28f, 0, 0), 0.9f, default);

        Assert.NotNull(hit);
        Assert.Equal(body, hit.Response.Body);
        Assert.Equal(0.96f, hit.Similarity, 0.01f);
        Assert.Null(await b.FindAsync("p", Unit(0.8f, 0.6f, 0, 0), 0.9f, default));
    }

    [Fact]
    public async Task FindAsync_SameVectorInAnotherPartition_NeverHits()
    {
        var (a, b) = (Replica(), Replica());
        await a.SetAsync("tenant-a", Unit(1, 0, 0, 0), Response(), TimeSpan.FromMinutes(5), default);

        Assert.Null(await b.FindAsync("tenant-b", Unit(1, 0, 0, 0), 0.5f, default));
        Assert.NotNull(await b.FindAsync("tenant-a", Unit(1, 0, 0, 0), 0.5f, default));
    }

    [Fact]
    public async Task SetAsync_PastPartitionBound_KeepsTheNewestAndVectorsCompact()
    {
        var writer = Replica(perPartition: 2);
        var reader = Replica(perPartition: 2);
        await writer.SetAsync("p", Unit(1, 0, 0, 0), Response(), TimeSpan.FromMinutes(5), default);
        await writer.SetAsync("p", Unit(0, 1, 0, 0), Response(), TimeSpan.FromMinutes(5), default);
        await writer.SetAsync("p", Unit(0, 0, 1, 0), Response(), TimeSpan.FromMinutes(5), default);

        var entries = await _connections[0].Database.StreamRangeAsync(_prefix + "sem:p");

        Assert.Equal(2, entries.Length);
        // A 4-byte scale and one byte per dimension.
        Assert.All(entries, e => Assert.Equal(4 + 4, ((byte[])e["v"]!)!.Length));
        Assert.Null(await reader.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
        Assert.NotNull(await reader.FindAsync("p", Unit(0, 0, 1, 0), 0.9f, default));
    }

    [Fact]
    public async Task FindAsync_AfterTimeToLive_MissesAndRedisExpiresTheKeys()
    {
        var (a, b) = (Replica(), Replica());
        await a.SetAsync("p", Unit(1, 0, 0, 0), Response(), TimeSpan.FromMinutes(5), default);
        Assert.NotNull(await b.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
        var streamTtl = await _connections[0].Database.KeyTimeToLiveAsync(_prefix + "sem:p");

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(await b.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
        // Redis keeps its own clock: the keys carry the time to live (the slack only absorbs a stalled test).
        Assert.InRange(streamTtl!.Value, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
    }

    public void Dispose() => _connections.ForEach(c => c.Dispose());

    private RedisSemanticCache Replica(int perPartition = 100)
    {
        var settings = Options.Create(new RedisStateOptions { ConnectionString = redis.Server.ConnectionString, Prefix = _prefix });
        var connection = new RedisConnection(settings, TimeProvider.System, NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        var bounds = Options.Create(new StateOptions { SemanticCacheMaxEntriesPerPartition = perPartition });
        return new RedisSemanticCache(connection, settings, bounds, _time, new Gateway.TestUtilities.RecordingStateStoreEvents(), NullLogger<RedisSemanticCache>.Instance);
    }

    private static float[] Unit(params float[] v) => v;

    private static CachedResponse Response() => new(200, "application/json", "{}"u8.ToArray(), "m");
}
