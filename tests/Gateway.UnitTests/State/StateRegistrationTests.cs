using Gateway.Redis;
using Gateway.Redis.Cache;
using Gateway.Redis.Feedback;
using Gateway.Redis.Keys;
using Gateway.Redis.Limits;
using Gateway.State;
using Gateway.State.Cache;
using Gateway.State.Feedback;
using Gateway.State.Keys;
using Gateway.State.Limits;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.UnitTests.State;

public sealed class StateRegistrationTests
{
    [Fact]
    public void AddGatewayState_NoConnectionString_RegistersInMemoryStores()
    {
        using var provider = Build([]);

        Assert.IsType<InMemoryLimitStore>(provider.GetRequiredService<ILimitStore>());
        Assert.IsType<InMemoryResponseCache>(provider.GetRequiredService<IResponseCache>());
        Assert.IsType<InMemoryKeyStore>(provider.GetRequiredService<IKeyStore>());
        Assert.IsType<InMemoryFeedbackStore>(provider.GetRequiredService<IFeedbackStore>());
    }

    [Fact]
    public void AddGatewayState_ConnectionString_RegistersRedisStores()
    {
        var services = new ServiceCollection();
        services.AddGatewayState(Configuration(new() { ["Gateway:Redis:ConnectionString"] = "127.0.0.1:1" }));

        Assert.Equal(typeof(RedisLimitStore), Implementation<ILimitStore>(services));
        Assert.Equal(typeof(RedisResponseCache), Implementation<IResponseCache>(services));
        Assert.Equal(typeof(RedisKeyStore), Implementation<IKeyStore>(services));
        Assert.Equal(typeof(RedisFeedbackStore), Implementation<IFeedbackStore>(services));
    }

    [Fact]
    public void AddGatewayState_StoreRegisteredBefore_KeepsIt()
    {
        var services = new ServiceCollection();
        var mine = new InMemoryKeyStore();
        services.AddSingleton<IKeyStore>(mine);

        services.AddGatewayState(Configuration([]));

        using var provider = services.AddLogging().BuildServiceProvider();
        Assert.Same(mine, provider.GetRequiredService<IKeyStore>());
    }

    [Fact]
    public void AddGatewayState_Bounds_AreBoundFromConfiguration()
    {
        using var provider = Build(new() { ["Gateway:State:CacheMaxEntries"] = "7" });

        Assert.Equal(7, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StateOptions>>().Value.CacheMaxEntries);
    }

    [Theory]
    [InlineData("Prefix", "")]
    [InlineData("OperationTimeout", "00:00:00")]
    [InlineData("Limits", "Sometimes")]
    public void AddGatewayState_InvalidRedisSetting_FailsValidation(string setting, string value)
    {
        using var provider = Build(new()
        {
            ["Gateway:Redis:ConnectionString"] = "127.0.0.1:1",
            [$"Gateway:Redis:{setting}"] = value,
        });

        Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RedisStateOptions>>().Value);
    }

    [Fact]
    public void AddGatewayState_RedisDefaults_FailOpenEverywhere()
    {
        using var provider = Build(new() { ["Gateway:Redis:ConnectionString"] = "127.0.0.1:1" });

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RedisStateOptions>>().Value;

        Assert.Equal("gateway:", options.Prefix);
        Assert.Equal(
            [StateFailurePolicy.FailOpen, StateFailurePolicy.FailOpen, StateFailurePolicy.FailOpen, StateFailurePolicy.FailOpen],
            [options.Limits, options.Cache, options.Keys, options.Feedback]);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = Configuration(settings);
        var services = new ServiceCollection().AddSingleton(configuration).AddLogging();
        services.AddGatewayState(configuration);
        return services.BuildServiceProvider();
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static Type? Implementation<T>(IServiceCollection services) =>
        services.Single(d => d.ServiceType == typeof(T)).ImplementationType;
}
