using Gateway.Redis;
using Gateway.State;
using Gateway.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.State;

public sealed class StateRegistrationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task AddGatewayState_ConnectionString_SharesLimitsBetweenTwoProviders()
    {
        var prefix = RedisReplica.UniquePrefix();
        await using var first = Build(prefix);
        await using var second = Build(prefix);
        var limits = new KeyLimits(RequestsPerMinute: 3);

        var decisions = new List<bool>();
        foreach (var provider in (ServiceProvider[])[first, second, first, second])
        {
            decisions.Add((await provider.GetRequiredService<ILimitStore>().AcquireAsync("team-a", limits, default)).Allowed);
        }

        Assert.Equal([true, true, true, false], decisions);
    }

    private ServiceProvider Build(string prefix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Redis:ConnectionString"] = redis.Server.ConnectionString,
            ["Gateway:Redis:Prefix"] = prefix,
        }).Build();
        // A fixed clock: request limits count per calendar minute, and the four acquires must share one.
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(TimerAwareTimeProvider.DefaultStart));
        services.AddGatewayState(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
