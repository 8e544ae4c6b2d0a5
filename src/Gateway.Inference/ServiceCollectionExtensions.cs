using Gateway.Inference.Pool;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Inference;

/// <summary>Registers the local inference services in a host's container.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the local model pool: <see cref="ModelPool"/> (singleton), its supervision as a hosted
    /// service, <see cref="ModelPoolOptions"/> from <c>Gateway:Pool</c> and the local entries of
    /// <c>Gateway:Models</c> (provider <c>local</c>), which reload with the configuration.
    /// </summary>
    public static IServiceCollection AddModelPool(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ModelPoolOptions>()
            .Bind(configuration.GetSection(ModelPoolOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.StartTimeout > TimeSpan.Zero && o.HealthInterval > TimeSpan.Zero && o.HealthTimeout > TimeSpan.Zero,
                "StartTimeout, HealthInterval and HealthTimeout must be positive.")
            .Validate(o => o.RestartBackoff >= TimeSpan.Zero && o.MaxRestartBackoff >= o.RestartBackoff,
                "RestartBackoff must not be negative and MaxRestartBackoff must be at least RestartBackoff.")
            .ValidateOnStart();
        services.AddOptions<LocalModelCatalog>().Bind(configuration.GetSection(LocalModelCatalog.SectionName));
        services.TryAddSingleton<IModelServerLauncher, ModelServerLauncher>();
        services.TryAddSingleton<IModelServerProbe, HttpModelServerProbe>();
        services.TryAddSingleton<Admin.ModelTemplateClient>();
        services.TryAddSingleton(sp => new ModelPool(
            sp.GetRequiredService<IOptionsMonitor<ModelPoolOptions>>(),
            sp.GetRequiredService<IOptionsMonitor<LocalModelCatalog>>(),
            sp.GetRequiredService<IModelServerLauncher>(),
            sp.GetRequiredService<IModelServerProbe>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ModelPool>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ModelPoolHostedService>());
        return services;
    }
}
