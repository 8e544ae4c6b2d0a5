using Gateway.State;
using Gateway.State.Cache;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.State;

public sealed class InMemoryResponseCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task GetAsync_AfterSet_ReturnsTheResponse()
    {
        var cache = Create();
        var response = Response("a");

        await cache.SetAsync("h", response, TimeSpan.FromMinutes(1), default);

        Assert.Same(response, await cache.GetAsync("h", default));
        Assert.Null(await cache.GetAsync("other", default));
    }

    [Fact]
    public async Task GetAsync_AfterTimeToLive_Misses()
    {
        var cache = Create();
        await cache.SetAsync("h", Response("a"), TimeSpan.FromSeconds(30), default);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await cache.GetAsync("h", default));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await cache.GetAsync("h", default));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task SetAsync_PastMaxEntries_EvictsLeastRecentlyUsed()
    {
        var cache = Create(maxEntries: 2);
        await cache.SetAsync("a", Response("a"), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("b", Response("b"), TimeSpan.FromMinutes(1), default);
        await cache.GetAsync("a", default);

        await cache.SetAsync("c", Response("c"), TimeSpan.FromMinutes(1), default);

        Assert.NotNull(await cache.GetAsync("a", default));
        Assert.Null(await cache.GetAsync("b", default));
        Assert.NotNull(await cache.GetAsync("c", default));
    }

    [Fact]
    public async Task SetAsync_PastMaxBytes_EvictsExpiredThenOldest()
    {
        var cache = Create(maxBytes: 30);
        await cache.SetAsync("short", Response(new string('s', 10)), TimeSpan.FromSeconds(5), default);
        await cache.SetAsync("old", Response(new string('o', 10)), TimeSpan.FromMinutes(1), default);
        await cache.SetAsync("new", Response(new string('n', 10)), TimeSpan.FromMinutes(1), default);
        _time.Advance(TimeSpan.FromSeconds(10));

        await cache.SetAsync("newest", Response(new string('x', 10)), TimeSpan.FromMinutes(1), default);

        Assert.Equal(3, cache.Count);
        Assert.Null(await cache.GetAsync("short", default));

        await cache.SetAsync("last", Response(new string('l', 10)), TimeSpan.FromMinutes(1), default);

        Assert.Null(await cache.GetAsync("old", default));
        Assert.NotNull(await cache.GetAsync("new", default));
        Assert.NotNull(await cache.GetAsync("newest", default));
    }

    [Fact]
    public async Task SetAsync_BodyLargerThanTheCache_IsNotStored()
    {
        var cache = Create(maxBytes: 5);

        await cache.SetAsync("h", Response("too large"), TimeSpan.FromMinutes(1), default);

        Assert.Null(await cache.GetAsync("h", default));
    }

    [Fact]
    public async Task SetAsync_SameHash_ReplacesTheEntry()
    {
        var cache = Create();
        await cache.SetAsync("h", Response("first"), TimeSpan.FromMinutes(1), default);

        await cache.SetAsync("h", Response("second"), TimeSpan.FromMinutes(1), default);

        Assert.Equal("second"u8.ToArray(), (await cache.GetAsync("h", default))!.Body);
        Assert.Equal(1, cache.Count);
    }

    private InMemoryResponseCache Create(int maxEntries = 100, long maxBytes = 1_000_000) =>
        new(Options.Create(new StateOptions { CacheMaxEntries = maxEntries, CacheMaxBytes = maxBytes }), _time);

    private static CachedResponse Response(string body) =>
        new(200, "application/json", System.Text.Encoding.UTF8.GetBytes(body), "m");
}
