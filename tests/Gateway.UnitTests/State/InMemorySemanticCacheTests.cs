using Gateway.State;
using Gateway.State.Cache;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class InMemorySemanticCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task FindAsync_NearbyVector_HitsWithItsSimilarity()
    {
        using var cache = Create();
        var stored = Response("paris");
        await cache.SetAsync("p", Unit(1, 0, 0, 0), stored, TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("p", Unit(0, 1, 0, 0), Response("other"), TimeSpan.FromMinutes(1), default);

        // cos((1,0,0,0), (0.96,0.28,0,0)) = 0.96.
        var hit = await cache.FindAsync("p", Unit(0.96f, 0.28f, 0, 0), 0.9f, default);

        Assert.NotNull(hit);
        Assert.Same(stored, hit.Response);
        Assert.Equal(0.96f, hit.Similarity, 0.01f);
    }

    [Fact]
    public async Task FindAsync_BelowThreshold_Misses()
    {
        using var cache = Create();
        await cache.SetAsync("p", Unit(1, 0, 0, 0), Response("a"), TimeSpan.FromMinutes(1), default);

        // cos = 0.8 < 0.9.
        Assert.Null(await cache.FindAsync("p", Unit(0.8f, 0.6f, 0, 0), 0.9f, default));
    }

    [Fact]
    public async Task FindAsync_SameVectorInAnotherPartition_Misses()
    {
        using var cache = Create();
        await cache.SetAsync("tenant-a", Unit(1, 0, 0, 0), Response("a"), TimeSpan.FromMinutes(1), default);

        Assert.Null(await cache.FindAsync("tenant-b", Unit(1, 0, 0, 0), 0.5f, default));
        Assert.NotNull(await cache.FindAsync("tenant-a", Unit(1, 0, 0, 0), 0.5f, default));
    }

    [Fact]
    public async Task FindAsync_AfterTimeToLive_Misses()
    {
        using var cache = Create();
        await cache.SetAsync("p", Unit(1, 0, 0, 0), Response("a"), TimeSpan.FromSeconds(30), default);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await cache.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await cache.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
    }

    [Fact]
    public async Task SetAsync_AfterTimeToLive_DropsExpiredEntries()
    {
        using var cache = Create();
        await cache.SetAsync("p", Unit(1, 0, 0, 0), Response("a"), TimeSpan.FromSeconds(30), default);
        _time.Advance(TimeSpan.FromSeconds(30));

        await cache.SetAsync("q", Unit(0, 1, 0, 0), Response("b"), TimeSpan.FromSeconds(30), default);

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task SetAsync_PastPartitionBound_EvictsThatPartitionsOldest()
    {
        using var cache = Create(perPartition: 2);
        await cache.SetAsync("p", Unit(1, 0, 0, 0), Response("first"), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("q", Unit(1, 0, 0, 0), Response("other partition"), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("p", Unit(0, 1, 0, 0), Response("second"), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("p", Unit(0, 0, 1, 0), Response("third"), TimeSpan.FromMinutes(1), default);

        Assert.Null(await cache.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
        Assert.NotNull(await cache.FindAsync("p", Unit(0, 1, 0, 0), 0.9f, default));
        Assert.NotNull(await cache.FindAsync("p", Unit(0, 0, 1, 0), 0.9f, default));
        Assert.NotNull(await cache.FindAsync("q", Unit(1, 0, 0, 0), 0.9f, default));
    }

    [Fact]
    public async Task SetAsync_PastTotalBound_EvictsOldestOfAnyPartition()
    {
        using var cache = Create(total: 2);
        await cache.SetAsync("p", Unit(1, 0, 0, 0), Response("a"), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("q", Unit(0, 1, 0, 0), Response("b"), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("r", Unit(0, 0, 1, 0), Response("c"), TimeSpan.FromMinutes(1), default);

        Assert.Equal(2, cache.Count);
        Assert.Null(await cache.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
        Assert.NotNull(await cache.FindAsync("r", Unit(0, 0, 1, 0), 0.9f, default));
    }

    [Fact]
    public async Task SetAsync_PastByteBound_EvictsOldest()
    {
        // Each entry: 100 body bytes + 4 code bytes + 4 scale bytes + the overhead; two fit, three do not.
        var entry = 100 + 4 + 4 + InMemorySemanticCache.EntryOverheadBytes;
        using var cache = Create(bytes: (2 * entry) + 1);
        await cache.SetAsync("p", Unit(1, 0, 0, 0), Response("a", 100), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("p", Unit(0, 1, 0, 0), Response("b", 100), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("p", Unit(0, 0, 1, 0), Response("c", 100), TimeSpan.FromMinutes(1), default);

        Assert.Equal(2, cache.Count);
        Assert.Null(await cache.FindAsync("p", Unit(1, 0, 0, 0), 0.9f, default));
    }

    [Fact]
    public async Task FindAsync_AfterEvictionMovedAnEntry_FindsTheMovedEntrysOwnAnswer()
    {
        using var cache = Create(perPartition: 2);
        var kept = Response("kept");
        await cache.SetAsync("p", Unit(1, 0, 0, 0), Response("evicted"), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("p", Unit(0, 1, 0, 0), kept, TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("p", Unit(0, 0, 1, 0), Response("new"), TimeSpan.FromMinutes(1), default);

        Assert.Same(kept, (await cache.FindAsync("p", Unit(0, 1, 0, 0), 0.9f, default))!.Response);
    }

    private InMemorySemanticCache Create(int total = 100, int perPartition = 100, long bytes = 1 << 20) =>
        new(Options.Create(new StateOptions { SemanticCacheMaxEntries = total, SemanticCacheMaxEntriesPerPartition = perPartition, SemanticCacheMaxBytes = bytes }), _time);

    private static float[] Unit(params float[] v) => v;

    private static CachedResponse Response(string text, int size = 8)
    {
        var body = new byte[size];
        System.Text.Encoding.ASCII.GetBytes(text.PadRight(size).AsSpan(0, size), body);
        return new CachedResponse(200, "application/json", body, "m");
    }
}
