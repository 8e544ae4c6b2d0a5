using System.Text.Json;
using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Gateway.Host.Auth;
using Gateway.Host.Errors;
using Gateway.Host.FrontDoor;
using Gateway.Host.State;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
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
        services.AddMcpServer(options => options.ServerInfo = new Implementation { Name = "gateway", Version = "1.0.0" })
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
                : new Api.ErrorResult(GatewayError.NotFound(invocation.HttpContext.Request.Path)))
            .AddEndpointFilter(McpRequestGuard.InvokeAsync);
        return app;
    }

    private static async Task<IReadOnlyList<AgentTool>> ToolsAsync(MessageContext request, CancellationToken cancellationToken)
    {
        if (GatewayPolicies.KeyOf(request.User) is not { } key)
        {
            return [];
        }

        var services = request.Services!;
        var tools = await services.GetRequiredService<ToolCatalog>().GetToolsAsync(null, cancellationToken, source => source.Name != "mcp");
        return ToolAccess.Filter(tools, key, services.GetRequiredService<AgentFrontDoor>());
    }

    internal static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken) =>
        Listed(await ToolsAsync(request, cancellationToken));

    /// <summary>
    /// <c>tools/list</c> over stdio (<c>tools mcp</c>): the caller is whoever started the process, with the process's own
    /// configuration, so it sees every tool; there is no key to filter by or to meter.
    /// </summary>
    internal static async ValueTask<ListToolsResult> ListAllToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken) =>
        Listed(await AllToolsAsync(request, cancellationToken));

    /// <summary><c>tools/call</c> over stdio (<c>tools mcp</c>): any tool, as <see cref="ListAllToolsAsync"/> lists them.</summary>
    internal static async ValueTask<CallToolResult> CallAnyToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name ?? "";
        var tool = (await AllToolsAsync(request, cancellationToken)).FirstOrDefault(t => t.Name == name);
        return tool is null ? Failed("Error: there is no tool with that name.") : await InvokeAsync(request, tool, cancellationToken);
    }

    private static Task<IReadOnlyList<AgentTool>> AllToolsAsync(MessageContext request, CancellationToken cancellationToken) =>
        request.Services!.GetRequiredService<ToolCatalog>().GetToolsAsync(null, cancellationToken, source => source.Name != "mcp");

    private static ListToolsResult Listed(IReadOnlyList<AgentTool> tools) => new()
    {
        Tools = [.. tools.Select(t => new Tool { Name = t.Name, Description = t.Description, InputSchema = t.ParametersSchema })],
    };

    internal static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name ?? "";
        var tool = (await ToolsAsync(request, cancellationToken)).FirstOrDefault(t => t.Name == name);
        if (tool is null)
        {
            // A tool the key may not use is reported as absent, not as forbidden: its name says nothing.
            return Failed("Error: there is no tool with that name.");
        }

        var key = GatewayPolicies.KeyOf(request.User)!;
        if (await request.Services!.GetRequiredService<LimitEnforcer>().AcquireCallAsync(key, cancellationToken) is { } limited)
        {
            return Failed("Error: " + limited.Message);
        }

        return await InvokeAsync(request, tool, cancellationToken);
    }

    private static async Task<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, AgentTool tool, CancellationToken cancellationToken)
    {
        var arguments = new KernelArguments();
        foreach (var (argument, value) in request.Params?.Arguments ?? new Dictionary<string, JsonElement>())
        {
            arguments[argument] = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        }

        var timeout = request.Services!.GetRequiredService<IOptionsMonitor<ToolsOptions>>().CurrentValue.ServeTimeout;
        var outcome = await ToolInvoker.InvokeAsync(new Kernel(), tool, arguments, timeout, cancellationToken);
        return new CallToolResult { IsError = !outcome.Succeeded, Content = [new TextContentBlock { Text = outcome.Output }] };
    }

    private static CallToolResult Failed(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };
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
