using Gateway.Agents.Configuration;
using Gateway.Agents.ReAct;
using Gateway.Agents.ReWoo;
using Gateway.Agents.Runtime;
using Gateway.Agents.Tools;
using Gateway.Agents.Tools.BuiltIn;
using Gateway.Agents.Tools.Mcp;
using Gateway.Agents.Umi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Agents;

/// <summary>Registers the agent runtime in a host's container.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The agent runtime: the <c>rewoo</c>, <c>umi</c> and <c>react</c> kinds, the tool catalog with the
    /// built-in and MCP tool sources, and the runner. Other modules add kinds (<see cref="IAgentKind"/>)
    /// and tool sources (<see cref="IAgentToolSource"/>) with <c>AddSingleton</c>; the host supplies
    /// <see cref="IAgentDefinitions"/>.
    /// </summary>
    public static IServiceCollection AddAgentRuntime(this IServiceCollection services)
    {
        services.AddOptions<ToolsOptions>()
            .BindConfiguration(ToolsOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ServeTimeout > TimeSpan.Zero, $"{ToolsOptions.SectionName}:ServeTimeout must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentKind, ReWooAgent>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentKind, UmiAgent>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentKind, ReActAgent>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentToolSource, BuiltInToolSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentToolSource, McpToolSource>());
        services.TryAddSingleton<ToolCatalog>();
        services.TryAddSingleton<AgentRunner>();
        return services;
    }
}
