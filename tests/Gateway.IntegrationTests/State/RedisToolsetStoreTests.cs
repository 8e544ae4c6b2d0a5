using Gateway.Cli;
using Gateway.Craft;
using Gateway.Craft.Toolsets;
using Gateway.Redis;
using Gateway.Redis.Toolsets;
using Gateway.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.IntegrationTests.State;

/// <summary>Toolsets in a real redis-server, shared by two stores as two replicas would.</summary>
public sealed class RedisToolsetStoreTests : IClassFixture<RedisFixture>, IDisposable
{
    private readonly RedisFixture _redis;
    private readonly string _prefix = RedisReplica.UniquePrefix();
    private readonly RedisConnection _a;
    private readonly RedisConnection _b;

    public RedisToolsetStoreTests(RedisFixture redis)
    {
        _redis = redis;
        _a = Connect();
        _b = Connect();
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task Save_OnOneReplica_ReadOnTheOtherWithRaisedVersions()
    {
        var (a, b) = (new RedisToolsetStore(_a, TimeProvider.System), new RedisToolsetStore(_b, TimeProvider.System));
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
    public async Task AddGatewayState_RedisConfigured_CraftStoresToolsetsInRedisWithTheGatewaysPrefix()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Redis:ConnectionString"] = _redis.Server.ConnectionString,
            ["Gateway:Redis:Prefix"] = _prefix,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddGatewayState(configuration);
        services.AddCraft(configuration);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IToolsetStore>();
        await store.SaveAsync(await ShippedAsync("math"));

        Assert.IsType<RedisToolsetStore>(store);
        Assert.Equal("math", (await new RedisToolsetStore(_a, TimeProvider.System).GetAsync("math"))!.Name);
    }

    [Fact]
    public async Task Open_ConnectionStringAndPrefix_SharesTheGatewaysToolsets()
    {
        var store = RedisToolsets.Open(new RedisStateOptions { ConnectionString = _redis.Server.ConnectionString, Prefix = _prefix });
        await new RedisToolsetStore(_a, TimeProvider.System).SaveAsync(await ShippedAsync("text"));

        Assert.Equal(["text"], await store.ListAsync());
    }

    [Fact]
    public async Task ToolsetExport_RedisOption_ReadsTheGatewaysToolsetUnderItsPrefix()
    {
        await new RedisToolsetStore(_a, TimeProvider.System).SaveAsync(await ShippedAsync("math"));
        var directory = Directory.CreateTempSubdirectory("gateway-export-").FullName;
        try
        {
            var archive = Path.Combine(directory, "math.json");

            var exit = await GatewayCli.InvokeAsync(["toolset", "export", "math", archive, "--redis", _redis.Server.ConnectionString, "--redis-prefix", _prefix]);

            Assert.Equal(0, exit);
            var exported = ToolsetArchive.Deserialize(await File.ReadAllTextAsync(archive));
            Assert.Equal(("math", 1), (exported.Name, exported.Version));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private RedisConnection Connect() => new(
        Options.Create(new RedisStateOptions { ConnectionString = _redis.Server.ConnectionString, Prefix = _prefix }),
        TimeProvider.System,
        NullLogger<RedisConnection>.Instance);

    private static async Task<Toolset> ShippedAsync(string name) =>
        (await new FileToolsetStore(Repository.PathOf("config/toolsets")).GetAsync(name))!;
}
