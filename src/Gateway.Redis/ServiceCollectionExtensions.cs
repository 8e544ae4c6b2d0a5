using Gateway.Craft.Toolsets;
using Gateway.Redis.Batches;
using Gateway.Redis.Cache;
using Gateway.Redis.Feedback;
using Gateway.Redis.Keys;
using Gateway.Redis.Limits;
using Gateway.Redis.Toolsets;
using Gateway.State;
using Gateway.State.Batches;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Redis;

/// <summary>Registration of the gateway's state stores.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Limits, response cache, managed keys and feedback: in Redis when
    /// <c>Gateway:Redis:ConnectionString</c> is set (shared by every replica on it), in this
    /// process otherwise. With Redis, the Batches API's files and batches (<see cref="IBatchStore"/>) and CRAFT's toolsets live there too (<see cref="IToolsetStore"/>;
    /// without it, <c>AddCraft</c> keeps them in the toolset folder). Every Redis store shares one
    /// connection. Uses <c>TryAdd</c>, so stores registered earlier win; register an
    /// <see cref="IStateStoreEvents"/> to count Redis failures.
    /// </summary>
    public static IServiceCollection AddGatewayState(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[$"{RedisStateOptions.SectionName}:{nameof(RedisStateOptions.ConnectionString)}"]))
        {
            return services.AddInMemoryGatewayState();
        }

        services.AddStateOptions();
        services.AddOptions<RedisStateOptions>()
            .BindConfiguration(RedisStateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<ILimitStore, RedisLimitStore>();
        services.TryAddSingleton<IResponseCache, RedisResponseCache>();
        services.TryAddSingleton<ISemanticCache, RedisSemanticCache>();
        services.TryAddSingleton<IKeyStore, RedisKeyStore>();
        services.TryAddSingleton<IFeedbackStore, RedisFeedbackStore>();
        services.TryAddSingleton<IToolsetStore, RedisToolsetStore>();
        services.TryAddSingleton<IBatchStore, RedisBatchStore>();
        return services;
    }
}
