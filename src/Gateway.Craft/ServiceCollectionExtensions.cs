using Gateway.Craft.Agent;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Embeddings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Craft;

/// <summary>Registration of toolsets, the sandbox, the CRAFT agent and the toolset plugins.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="JsSandbox"/>, <see cref="IToolsetStore"/> (the folder <see cref="CraftOptions.ToolsetDirectory"/>
    /// unless a store is registered earlier, as the gateway's state registration does with Redis), <see cref="CraftAgent"/>
    /// and <see cref="CraftPlugins"/>. Uses <c>TryAdd</c>, so services registered earlier win.
    /// </summary>
    public static IServiceCollection AddCraft(this IServiceCollection services, IConfiguration configuration, string? contentRoot = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CraftOptions>().BindConfiguration(CraftOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new JsSandbox(sp.GetRequiredService<IOptions<SandboxOptions>>().Value, sp.GetService<ILogger<JsSandbox>>()));
        services.TryAddSingleton<IToolsetStore>(sp => new FileToolsetStore(ToolsetDirectory(configuration, sp.GetRequiredService<IOptions<CraftOptions>>().Value, contentRoot)));
        services.TryAddSingleton(sp => new CraftAgent(
            sp.GetRequiredService<IToolsetStore>(), sp.GetRequiredService<JsSandbox>(), PromptEncoders.Default,
            sp.GetRequiredService<IOptions<CraftOptions>>().Value.Agent));
        services.TryAddSingleton<CraftPlugins>();
        return services;
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
