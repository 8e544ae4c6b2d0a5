using Gateway.Configuration;
using Gateway.Host.Agents;
using Gateway.Host.Api;
using Gateway.Host.Auth;
using Gateway.Host.Batches;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.Host.Metrics;
using Gateway.Host.Telemetry;
using Gateway.Host.Ui;
using Gateway.Inference.Admin;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Host;

/// <summary>Builds the gateway web application; used by <c>Program</c> and by tests.</summary>
public static partial class GatewayApplication
{
    /// <summary>Where the gateway listens when no URL is configured.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = ContentRoot.Resolve(),
        });

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Callers (tests, embedding hosts) add configuration and services first; registrations below use TryAdd.
        configure?.Invoke(builder);

        // The front door enforces its own (configurable) body limit with an OpenAI-shaped 413.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

        ConfigureSocketScheduling(builder);
        builder.Services.AddGatewayConfiguration(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddVirtualKeyAuthentication();
        builder.Services.AddGatewayProxy();
        builder.Services.AddGatewayRouting();
        builder.Services.AddGatewayStateStores(builder.Configuration);
        builder.Services.AddGatewayLocalModels(builder.Configuration);
        builder.Services.AddGatewayAgents();
        builder.Services.AddGatewayCraft(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddGatewayBatches(builder.Environment.ContentRootPath);
        builder.Services.AddGatewayConsole();
        builder.Services.AddGatewayTelemetry(builder.Configuration);

        var app = builder.Build();
        app.UseMiddleware<RequestContextMiddleware>();
        // Every endpoint that serves a caller names a policy, so a request without a valid key is refused here,
        // before any endpoint reads its body.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapModelsEndpoints();
        app.MapRouteEndpoints();
        app.MapFeedbackEndpoints();
        app.MapAdminEndpoints();
        app.MapAgentEndpoints();
        app.MapResponsesEndpoints();
        app.MapMessagesEndpoints();
        app.MapFileEndpoints();
        app.MapBatchEndpoints();
        app.MapGatewayMcpServer();
        app.MapLocalModelAdmin("/admin/models").RequireAuthorization(GatewayPolicies.Admin).AddEndpointFilter(AdminEndpoints.StateStoreOutageAsync);
        app.MapConsole();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseFrontDoor();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        app.MapGatewayMetrics();
        app.MapFallbackEndpoints();
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app));
        return app;
    }

    /// <summary>
    /// Socket work scheduling (<c>Gateway:Server</c>), process-wide and read when the first socket is used, so set
    /// here, before the server starts; an explicit <c>DOTNET_SYSTEM_NET_SOCKETS_*</c> environment variable wins.
    /// <list type="bullet">
    /// <item><c>InlineSocketCompletions</c> (default on) completes socket operations on the I/O threads instead of
    /// queueing each to the thread pool: fewer thread hand-offs per proxied request, client and upstream side alike.</item>
    /// <item><c>InlineScheduling</c> (default on) also runs request code on Kestrel's I/O threads, with one socket
    /// I/O thread per core so that every core serves requests. A proxied request then crosses no thread at all,
    /// and no thread-pool worker spins waiting for the next hand-off: about a quarter less CPU per request at low
    /// concurrency, for about a fifth less peak throughput at 64 connections. Off, the thread pool runs request code.</item>
    /// </list>
    /// Both are safe because nothing on the gateway's request path blocks a thread or computes for long: routing
    /// decisions, agent tools and tool retrieval run on the thread pool, and the sandbox in its own worker processes.
    /// </summary>
    private static void ConfigureSocketScheduling(WebApplicationBuilder builder)
    {
        const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        const string SocketThreads = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";
        var inlineCompletions = builder.Configuration.GetValue("Gateway:Server:InlineSocketCompletions", true);
        if (inlineCompletions && Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }

        if (builder.Configuration.GetValue("Gateway:Server:InlineScheduling", true))
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
            if (inlineCompletions && Environment.GetEnvironmentVariable(SocketThreads) is null)
            {
                Environment.SetEnvironmentVariable(SocketThreads, Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private static void LogStarted(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway");
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var catalog = app.Services.GetRequiredService<ReloadingSnapshot<CatalogSnapshot>>().Current;
        var listening = string.Join(", ", addresses);
        LogListening(logger, listening, catalog.Models.Count, app.Environment.ContentRootPath);
        var keys = app.Services.GetRequiredService<KeyStore>();
        if (keys.DevelopmentKeyActive)
        {
            LogDevelopmentKey(logger, GatewayApiKeys.Development);
        }
        else if (keys.Current.Count == 0)
        {
            LogNoKeys(logger);
        }

        if (catalog.Models.Count == 0)
        {
            LogNoModels(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway listening on {Addresses} with {Models} model(s) in the catalog (content root {ContentRoot})")]
    private static partial void LogListening(ILogger logger, string addresses, int models, string contentRoot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys are configured and Gateway:AllowDevelopmentKey is on: the development key '{Key}' is accepted (Authorization: Bearer {Key}) until a key is configured or created. Configure Gateway:Keys for anything but local use.")]
    private static partial void LogDevelopmentKey(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys are configured and the development key is off: only keys created through POST /admin/keys will work, and none can be created without an admin key. Configure Gateway:Keys (`keys new --name NAME --admin`), or set Gateway:AllowDevelopmentKey=true for local use.")]
    private static partial void LogNoKeys(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog is empty. Add a model, e.g. Gateway__Models__mymodel__BaseUrl=http://127.0.0.1:8000/v1")]
    private static partial void LogNoModels(ILogger logger);
}
