using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Gateway.Agents.Tools.Mcp;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.State;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gateway.Host.Agents;

/// <summary>
/// The gateway's tools served over MCP (Streamable HTTP, stateless) at <c>/mcp</c>: each key sees and may call only the
/// tools it may use (<see cref="ToolAccess"/>), and every tool call counts against the key's request limit. Tools of MCP
/// servers the gateway itself is a client of are not served, so a gateway listed as its own MCP server never loops.
/// </summary>
internal static class GatewayMcpServer
{
    public const string Path = "/mcp";

    public static IServiceCollection AddGatewayMcpServer(this IServiceCollection services)
    {
        services.AddMcpServer(options => options.ServerInfo = McpToolServer.ServerInfo)
            .WithHttpTransport(options => options.Stateless = true)
            .WithListToolsHandler(ListToolsAsync)
            .WithCallToolHandler(CallToolAsync);
        return services;
    }

    public static WebApplication MapGatewayMcpServer(this WebApplication app)
    {
        app.MapMcp(Path).RequireAuthorization(GatewayPolicies.Key).AddEndpointFilter(async (invocation, next) =>
            invocation.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<ToolsOptions>>().CurrentValue.ServeMcp
                ? await next(invocation)
                : new ErrorResult(GatewayError.NotFound(invocation.HttpContext.Request.Path)))
            .AddEndpointFilter(McpRequestGuard.InvokeAsync);
        return app;
    }

    private static async Task<IReadOnlyList<AgentTool>> ToolsAsync(MessageContext request, CancellationToken cancellationToken)
    {
        if (GatewayPolicies.KeyOf(request.User) is not { } key)
        {
            return [];
        }

        var tools = await McpToolServer.ServableToolsAsync(request.Services!, cancellationToken);
        return ToolAccess.Filter(tools, key, request.Services!.GetRequiredService<AgentFrontDoor>());
    }

    internal static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken) =>
        McpToolServer.Listed(await ToolsAsync(request, cancellationToken));

    internal static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name ?? "";
        var tool = (await ToolsAsync(request, cancellationToken)).FirstOrDefault(t => t.Name == name);
        if (tool is null)
        {
            // A tool the key may not use is reported as absent, not as forbidden: its name says nothing.
            return McpToolServer.Failed("Error: there is no tool with that name.");
        }

        var key = GatewayPolicies.KeyOf(request.User)!;
        if (await request.Services!.GetRequiredService<LimitEnforcer>().AcquireCallAsync(key, cancellationToken) is { } limited)
        {
            return McpToolServer.Failed("Error: " + limited.Message);
        }

        return await McpToolServer.InvokeAsync(request, tool, cancellationToken);
    }
}

/// <summary>
/// Which of the gateway's tools a key may use directly (over <c>/mcp</c>): every tool when its model list is
/// unrestricted; otherwise the tools its list names as <c>tool:NAME</c> (<c>tool:*</c> for all) and the tools of the
/// agents it may use (all tools for an agent that names none).
/// </summary>
internal static class ToolAccess
{
    public const string Prefix = "tool:";

    public static IReadOnlyList<AgentTool> Filter(IReadOnlyList<AgentTool> tools, VirtualKey key, AgentFrontDoor agents)
    {
        if (key.AllowedModels is null || key.Allows(Prefix + "*"))
        {
            return tools;
        }

        var viaAgents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, definition) in agents.AllowedDefinitions(key))
        {
            if (definition.Tools.Count == 0)
            {
                return tools;
            }

            viaAgents.UnionWith(definition.Tools);
        }

        return tools.Where(t => viaAgents.Contains(t.Name) || key.Allows(Prefix + t.Name)).ToArray();
    }
}
