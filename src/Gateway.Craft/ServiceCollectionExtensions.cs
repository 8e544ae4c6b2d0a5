using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Embeddings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Craft;

/// <summary>Registration of toolsets, the sandbox, the CRAFT agent and the toolset plugins.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="JsSandbox"/>, <see cref="IToolsetStore"/> (Redis when <c>Gateway:Redis:ConnectionString</c> is
    /// set, else the folder <see cref="CraftOptions.ToolsetDirectory"/>), <see cref="CraftAgent"/> and
    /// <see cref="CraftPlugins"/>. Uses <c>TryAdd</c>, so services registered earlier win.
    /// </summary>
    public static IServiceCollection AddCraft(this IServiceCollection services, IConfiguration configuration, string? contentRoot = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CraftOptions>().BindConfiguration(CraftOptions.SectionName);
        services.AddOptions<SandboxOptions>().BindConfiguration(CraftOptions.SectionName + ":Sandbox").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new JsSandbox(sp.GetRequiredService<IOptions<SandboxOptions>>().Value, sp.GetService<ILogger<JsSandbox>>()));
        services.TryAddSingleton<IToolsetStore>(sp => CreateStore(configuration, sp.GetRequiredService<IOptions<CraftOptions>>().Value, contentRoot));
        services.TryAddSingleton(sp => new CraftAgent(
            sp.GetRequiredService<IToolsetStore>(), sp.GetRequiredService<JsSandbox>(), PromptEncoders.Default,
            sp.GetRequiredService<IOptions<CraftOptions>>().Value.Agent));
        services.TryAddSingleton<CraftPlugins>();
        return services;
    }

    /// <summary>The store the configuration asks for: Redis when a connection string is set, else the toolset folder.</summary>
    public static IToolsetStore CreateStore(IConfiguration configuration, CraftOptions options, string? contentRoot = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        if (configuration["Gateway:Redis:ConnectionString"] is { Length: > 0 } connection)
        {
            var settings = ConfigurationOptions.Parse(connection);
            settings.AbortOnConnectFail = false;
            return new RedisToolsetStore(ConnectionMultiplexer.Connect(settings), configuration["Gateway:Redis:Prefix"] ?? "gateway:");
        }

        return new FileToolsetStore(ToolsetDirectory(configuration, options, contentRoot));
    }

    /// <summary><see cref="CraftOptions.ToolsetDirectory"/>, else <c>toolsets</c> in the gateway's config folder.</summary>
    public static string ToolsetDirectory(IConfiguration configuration, CraftOptions options, string? contentRoot = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.ToolsetDirectory ?? Path.Combine(configuration["Gateway:ConfigDirectory"] ?? "config", "toolsets");
        return Path.IsPathRooted(directory) ? directory : Path.Combine(contentRoot ?? Directory.GetCurrentDirectory(), directory);
    }
}
