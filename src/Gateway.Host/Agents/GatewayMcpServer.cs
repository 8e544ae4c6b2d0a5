using System.Text.Json;
using Gateway.Agents.Configuration;
using Gateway.Agents.Tools;
using Gateway.Host.Auth;
using Gateway.Host.Errors;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gateway.Host.Agents;

/// <summary>
/// The gateway's tools served over MCP (Streamable HTTP, stateless) at <c>/mcp</c> for any valid key:
/// the tools of every source except MCP servers the gateway itself is a client of, so a gateway listed
/// as its own MCP server never loops.
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
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), branch => branch.Use(RequireKeyAsync));
        app.MapMcp(Path);
        return app;
    }

    private static async Task RequireKeyAsync(HttpContext context, RequestDelegate next)
    {
        var (_, error) = await context.RequestServices.GetRequiredService<KeyStore>().AuthenticateAsync(context.Request, context.RequestAborted);
        if (!context.RequestServices.GetRequiredService<IOptionsMonitor<ToolsOptions>>().CurrentValue.ServeMcp)
        {
            error = GatewayError.NotFound(context.Request.Path);
        }

        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        await next(context);
    }

    private static Task<IReadOnlyList<AgentTool>> ToolsAsync(IServiceProvider? services, CancellationToken cancellationToken) =>
        services!.GetRequiredService<ToolCatalog>().GetToolsAsync(null, cancellationToken, source => source.Name != "mcp");

    internal static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        var tools = await ToolsAsync(request.Services, cancellationToken);
        return new ListToolsResult
        {
            Tools = [.. tools.Select(t => new Tool { Name = t.Name, Description = t.Description, InputSchema = t.ParametersSchema })],
        };
    }

    internal static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name ?? "";
        var tool = (await ToolsAsync(request.Services, cancellationToken)).FirstOrDefault(t => t.Name == name);
        if (tool is null)
        {
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = $"Error: there is no tool named '{name}'." }] };
        }

        var arguments = new KernelArguments();
        foreach (var (key, value) in request.Params?.Arguments ?? new Dictionary<string, JsonElement>())
        {
            arguments[key] = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        }

        var timeout = request.Services!.GetRequiredService<IOptionsMonitor<ToolsOptions>>().CurrentValue.ServeTimeout;
        var outcome = await ToolInvoker.InvokeAsync(new Kernel(), tool, arguments, timeout, cancellationToken);
        return new CallToolResult { IsError = !outcome.Succeeded, Content = [new TextContentBlock { Text = outcome.Output }] };
    }
}
