using Gateway.Craft;
using Gateway.Craft.Toolsets;
using Gateway.IntegrationTests.State;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Craft;

/// <summary>Toolsets in a real redis-server, shared by two stores as two replicas would.</summary>
public sealed class RedisToolsetStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly ConnectionMultiplexer _a = ConnectionMultiplexer.Connect(redis.Server.ConnectionString);
    private readonly ConnectionMultiplexer _b = ConnectionMultiplexer.Connect(redis.Server.ConnectionString);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task Save_OnOneReplica_ReadOnTheOtherWithRaisedVersions()
    {
        var (a, b) = (new RedisToolsetStore(_a, _prefix), new RedisToolsetStore(_b, _prefix));
        var text = await ShippedAsync("text");

        var first = await a.SaveAsync(text);
        var second = await b.SaveAsync(Toolset.Create("text", text.Tools.Take(2), "two tools"));

        Assert.Equal((1, 2), (first.Version, second.Version));
        var read = await a.GetAsync("text");
        Assert.Equal(2, read!.Version);
        Assert.Equal("two tools", read.Manifest.Description);
        Assert.Equal(text.Tools.Take(2).Select(t => (t.Name, t.Code)), read.Tools.Select(t => (t.Name, t.Code)));
        Assert.Equal(["text"], await b.ListAsync());
        Assert.Null(await b.GetAsync("math"));
    }

    [Fact]
    public async Task CreateStore_RedisConfigured_UsesRedisWithTheGatewaysPrefix()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Redis:ConnectionString"] = redis.Server.ConnectionString,
            ["Gateway:Redis:Prefix"] = _prefix,
        }).Build();

        var store = ServiceCollectionExtensions.CreateStore(configuration, new CraftOptions());
        await store.SaveAsync(await ShippedAsync("math"));

        Assert.IsType<RedisToolsetStore>(store);
        Assert.Equal("math", (await new RedisToolsetStore(_a, _prefix).GetAsync("math"))!.Name);
    }

    private static async Task<Toolset> ShippedAsync(string name) =>
        (await new FileToolsetStore(Repository.PathOf("config/toolsets")).GetAsync(name))!;
}
