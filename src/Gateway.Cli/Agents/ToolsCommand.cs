using System.CommandLine;
using Gateway.Agents;
using Gateway.Agents.Tools;
using Gateway.Agents.Tools.Mcp;
using Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Cli.Agents;

/// <summary>
/// <c>tools list</c> prints the gateway's agent tools; <c>tools mcp</c> serves them as an MCP server on
/// stdin/stdout, for MCP clients that start a process (another gateway's <c>"Transport": "stdio"</c>,
/// desktop assistants). Both read the same configuration as the server (<c>appsettings.json</c>,
/// <c>config/</c>, environment, and <c>--Section:Key=value</c> arguments).
/// </summary>
internal static class ToolsCommand
{
    public static Command Create()
    {
        var tools = new Command("tools", "The gateway's agent tools: list them, or serve them over MCP on stdio.");
        var list = new Command("list", "Print every tool with its description.") { TreatUnmatchedTokensAsErrors = false };
        list.SetAction(async (parse, cancellationToken) =>
        {
            using var host = Build(parse.UnmatchedTokens, stdio: false);
            foreach (var tool in await host.Services.GetRequiredService<ToolCatalog>().GetToolsAsync(null, cancellationToken))
            {
                Console.Out.WriteLine($"{tool.Name}\t{tool.Source}\t{tool.Description}");
            }

            return 0;
        });

        var mcp = new Command("mcp", "Serve the tools as an MCP server over stdin/stdout (logs go to stderr).") { TreatUnmatchedTokensAsErrors = false };
        mcp.SetAction(async (parse, cancellationToken) =>
        {
            using var host = Build(parse.UnmatchedTokens, stdio: true);
            await host.RunAsync(cancellationToken);
            return 0;
        });

        tools.Subcommands.Add(list);
        tools.Subcommands.Add(mcp);
        return tools;
    }

    private static IHost Build(IReadOnlyList<string> configurationArgs, bool stdio)
    {
        var contentRoot = ContentRoot.Resolve();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. configurationArgs],
            ContentRootPath = contentRoot,
        });
        ConfigurationFiles.Register(builder.Configuration, contentRoot);

        // stdout carries the protocol; every log line goes to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddAgentRuntime();
        if (stdio)
        {
            builder.Services.AddStdioToolServer();
        }

        return builder.Build();
    }
}
