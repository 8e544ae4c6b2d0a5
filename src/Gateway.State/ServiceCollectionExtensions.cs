using Gateway.State.Cache;
using Gateway.State.Feedback;
using Gateway.State.Keys;
using Gateway.State.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.State;

/// <summary>Registration of the in-memory state stores.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Limits, response cache, managed keys and feedback kept in this process (bounds from
    /// <c>Gateway:State</c>). Uses <c>TryAdd</c>, so stores registered earlier win.
    /// </summary>
    public static IServiceCollection AddInMemoryGatewayState(this IServiceCollection services)
    {
        services.AddStateOptions();
        services.TryAddSingleton<ILimitStore, InMemoryLimitStore>();
        services.TryAddSingleton<IResponseCache, InMemoryResponseCache>();
        services.TryAddSingleton<ISemanticCache, InMemorySemanticCache>();
        services.TryAddSingleton<IKeyStore, InMemoryKeyStore>();
        services.TryAddSingleton<IFeedbackStore, InMemoryFeedbackStore>();
        return services;
    }

    /// <summary>Options, clock and the no-op events hook that every state store implementation needs.</summary>
    internal static IServiceCollection AddStateOptions(this IServiceCollection services)
    {
        services.AddOptions<StateOptions>()
            .BindConfiguration(StateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStateStoreEvents, NullStateStoreEvents>();
        return services;
    }
}
