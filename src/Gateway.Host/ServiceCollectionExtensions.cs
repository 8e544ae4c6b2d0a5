using Gateway.Agents;
using Gateway.Agents.Configuration;
using Gateway.Agents.Runtime;
using Gateway.Configuration;
using Gateway.Craft;
using Gateway.Host.Agents;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.Host.LocalModels;
using Gateway.Host.Metrics;
using Gateway.Host.Proxy;
using Gateway.Host.Resilience;
using Gateway.Host.Routing;
using Gateway.Host.State;
using Gateway.Host.Ui;
using Gateway.Inference;
using Gateway.Inference.Pool;
using Gateway.Redis;
using Gateway.State;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace Gateway.Host;

/// <summary>One <c>AddXxx</c> per concern of the gateway host.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Front-door options, reloadable configuration snapshots, the catalog and the keys.</summary>
    public static IServiceCollection AddGatewayConfiguration(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var files = configuration is ConfigurationManager manager
            ? ConfigurationFiles.Register(manager, contentRoot)
            : new ConfigurationFiles();
        services.TryAddSingleton(files);
        services.TryAddSingleton(sp => new ReloadingSnapshot<CatalogSnapshot>(
            sp.GetRequiredService<IConfiguration>(), CatalogBuilder.SectionName,
            c => CatalogBuilder.Build(c, Environment.GetEnvironmentVariable, sp.GetRequiredService<ModelPool>().List().Select(m => m.Name)),
            sp.GetRequiredService<ConfigurationFiles>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Catalog")));
        services.TryAddSingleton(sp => new ReloadingSnapshot<KeySnapshot>(
            sp.GetRequiredService<IConfiguration>(), GatewayOptions.SectionName, KeySnapshot.Build,
            sp.GetRequiredService<ConfigurationFiles>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Keys")));
        services.TryAddSingleton<KeyStore>();
        services.TryAddSingleton(sp => new ReloadingSnapshot<RoutingSnapshot>(
            sp.GetRequiredService<IConfiguration>(), RoutingOptions.SectionName,
            c => RoutingSnapshot.Build(c, contentRoot),
            sp.GetRequiredService<ConfigurationFiles>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Routing")));
        return services;
    }

    /// <summary>
    /// Limits, response cache, managed keys and feedback: in Redis when <c>Gateway:Redis:ConnectionString</c>
    /// is set, in memory otherwise; failures counted in the metrics.
    /// </summary>
    public static IServiceCollection AddGatewayStateStores(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<IStateStoreEvents, MetricsStateStoreEvents>();
        services.AddGatewayState(configuration);
        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FeedbackOptions>().BindConfiguration(FeedbackOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<UsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.TryAddSingleton<LimitEnforcer>();
        services.TryAddSingleton<ResponseCaching>();
        services.AddOptions<SemanticCacheOptions>().BindConfiguration(SemanticCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(_ => SemanticCacheEncoder.MiniLm());
        services.TryAddSingleton<SemanticCaching>();
        return services;
    }

    /// <summary>Local GGUF models: the supervised ModelServer pool, its admin API and metrics.</summary>
    public static IServiceCollection AddGatewayLocalModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModelPool(configuration);
        services.TryAddSingleton<LocalModelLeases>();
        services.TryAddSingleton<ModelServerLoad>();
        services.AddHostedService<PoolMetrics>();
        return services;
    }

    /// <summary>
    /// Agents (<c>model: "agent:&lt;name&gt;"</c>, <c>/v1/agents</c>), defined in <c>Gateway:Agents</c> and reloaded
    /// with it; their tools, and those tools served over MCP at <c>/mcp</c>.
    /// </summary>
    public static IServiceCollection AddGatewayAgents(this IServiceCollection services)
    {
        services.AddAgentRuntime();
        services.TryAddSingleton(sp => new ReloadingSnapshot<AgentSnapshot>(
            sp.GetRequiredService<IConfiguration>(), AgentSnapshot.SectionName,
            c => AgentSnapshot.Build(c, [.. sp.GetServices<IAgentKind>().Select(k => k.Kind)]),
            sp.GetRequiredService<ConfigurationFiles>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Agents")));
        services.TryAddSingleton<IAgentDefinitions, AgentDefinitions>();
        services.TryAddSingleton<AgentEndpointAddress>();
        services.TryAddSingleton<AgentMetrics>();
        services.TryAddSingleton<AgentFrontDoor>();
        services.TryAddSingleton<Api.ResponsesLoopback>();
        services.AddGatewayMcpServer();
        return services;
    }

    /// <summary>
    /// CRAFT toolsets: the sandbox and toolset store (<c>Gateway:Craft</c>), the <c>craft</c> agent kind, and every
    /// stored toolset's functions as agent tools (and so on <c>/mcp</c>).
    /// </summary>
    public static IServiceCollection AddGatewayCraft(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddCraft(configuration, contentRoot);
        services.AddSingleton<IAgentKind, Agents.CraftAgentKind>();
        services.AddSingleton<Gateway.Agents.Tools.IAgentToolSource, Agents.CraftToolSource>();
        return services;
    }

    /// <summary>The learned router behind <c>model: "auto"</c> and <c>/v1/route</c>.</summary>
    public static IServiceCollection AddGatewayRouting(this IServiceCollection services)
    {
        services.TryAddSingleton<RouterService>();
        services.TryAddSingleton<RoutedCandidates>();
        services.AddHostedService<RouterWarmup>();
        return services;
    }

    /// <summary>
    /// The Batches API (<c>/v1/files</c>, <c>/v1/batches</c>, <c>Gateway:Batches</c>): its store (Redis when configured,
    /// registered by <see cref="AddGatewayStateStores"/>; else a directory) and the runner that sends each line through
    /// the front door.
    /// </summary>
    public static IServiceCollection AddGatewayBatches(this IServiceCollection services, string contentRoot)
    {
        services.AddOptions<Batches.BatchOptions>().BindConfiguration(Batches.BatchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Gateway.State.Batches.IBatchStore>(sp => new Gateway.State.Batches.DiskBatchStore(
            Path.Combine(contentRoot, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Batches.BatchOptions>>().Value.Directory)));
        services.TryAddSingleton<Batches.BatchLineAuthority>();
        services.TryAddSingleton<Batches.BatchLineSender>();
        services.TryAddSingleton<Batches.BatchRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<Batches.BatchRunner>());
        return services;
    }

    /// <summary>The operator console at <c>/ui/</c> and the admin overview it reads.</summary>
    public static IServiceCollection AddGatewayConsole(this IServiceCollection services)
    {
        services.TryAddSingleton<ConsoleOverview>();
        return services;
    }

    /// <summary>
    /// YARP, fed from the catalog (one cluster per model, routes for the OpenAI operations), with
    /// Polly resilience per destination and metrics.
    /// </summary>
    public static IServiceCollection AddGatewayProxy(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<ModelTraffic>();
        services.TryAddSingleton<UpstreamPipelines>();
        services.TryAddSingleton<RequestAccounting>();
        services.TryAddSingleton<CatalogProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<CatalogProxyConfigProvider>());
        services.AddSingleton<IForwarderHttpClientFactory, ResilientForwarderHttpClientFactory>();
        services.AddSingleton<IAvailableDestinationsPolicy, CircuitAwareDestinationsPolicy>();
        services.AddHostedService<CircuitStateSync>();
        services.AddReverseProxy().AddTransforms(UpstreamTransforms.Apply);
        return services;
    }
}
