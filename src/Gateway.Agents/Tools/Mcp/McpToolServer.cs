using System.Text.Json;
using Gateway.Agents.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gateway.Agents.Tools.Mcp;

/// <summary>
/// The agent tools served over MCP, by the gateway at <c>/mcp</c> and by <c>tools mcp</c> on stdio. Tools of MCP
/// servers this process is itself a client of are never served, so a gateway listed as its own MCP server never loops.
/// </summary>
internal static class McpToolServer
{
    /// <summary>How the server names itself to clients.</summary>
    public static Implementation ServerInfo => new() { Name = "gateway", Version = "1.0.0" };

    /// <summary>
    /// An MCP server on stdin/stdout serving every tool: the caller is whoever started the process, with the
    /// process's own configuration, so there is no key to filter by or to meter.
    /// </summary>
    public static IServiceCollection AddStdioToolServer(this IServiceCollection services)
    {
        services.AddMcpServer(options => options.ServerInfo = ServerInfo)
            .WithStdioServerTransport()
            .WithListToolsHandler(ListAllToolsAsync)
            .WithCallToolHandler(CallAnyToolAsync);
        return services;
    }

    /// <summary>Every tool this process may serve.</summary>
    public static Task<IReadOnlyList<AgentTool>> ServableToolsAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ToolCatalog>().GetToolsAsync(null, cancellationToken, source => source.Name != "mcp");

    /// <summary><c>tools/list</c> for a caller that may use every tool.</summary>
    public static async ValueTask<ListToolsResult> ListAllToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken) =>
        Listed(await ServableToolsAsync(request.Services!, cancellationToken));

    /// <summary><c>tools/call</c> for a caller that may use every tool, as <see cref="ListAllToolsAsync"/> lists them.</summary>
    public static async ValueTask<CallToolResult> CallAnyToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name ?? "";
        var tool = (await ServableToolsAsync(request.Services!, cancellationToken)).FirstOrDefault(t => t.Name == name);
        return tool is null ? Failed("Error: there is no tool with that name.") : await InvokeAsync(request, tool, cancellationToken);
    }

    public static ListToolsResult Listed(IReadOnlyList<AgentTool> tools) => new()
    {
        Tools = [.. tools.Select(t => new Tool { Name = t.Name, Description = t.Description, InputSchema = t.ParametersSchema })],
    };

    public static async Task<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, AgentTool tool, CancellationToken cancellationToken)
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

    public static CallToolResult Failed(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };
}
