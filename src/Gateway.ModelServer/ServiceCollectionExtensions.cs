using Gateway.ModelServer.Api;
using Gateway.ModelServer.Engine;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.ModelServer;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the loaded model, its batch scheduler and the OpenAI endpoints' services.</summary>
    internal static IServiceCollection AddModelServer(this IServiceCollection services, ModelServerOptions options, LoadedModel model)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(model);
        services.TryAddSingleton<BatchScheduler>();
        services.TryAddSingleton<EmbeddingService>();
        services.TryAddSingleton<GenerationService>();
        return services;
    }
}
