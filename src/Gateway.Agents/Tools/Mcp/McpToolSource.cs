using System.Collections.Concurrent;
using Gateway.Agents.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Client;

namespace Gateway.Agents.Tools.Mcp;

/// <summary>
/// Tools of the MCP servers in <c>Gateway:Tools:Mcp</c> (stdio child processes or HTTP servers),
/// as Semantic Kernel functions named <c>&lt;server&gt;_&lt;tool&gt;</c>. A connection is opened on
/// first use and kept; a server that fails is retried after a pause, its tools missing meanwhile.
/// </summary>
internal sealed partial class McpToolSource : IAgentToolSource, IAsyncDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);
    private readonly IOptionsMonitor<ToolsOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<Task<Connection>>> _connections = new(StringComparer.Ordinal);

    public McpToolSource(IOptionsMonitor<ToolsOptions> options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<McpToolSource>();
        _time = time;
    }

    public string Name => "mcp";

    private sealed record Connection(McpClient? Client, IReadOnlyList<McpClientTool> Tools, DateTimeOffset? FailedAt);

    public async ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken)
    {
        var plugins = new List<KernelPlugin>();
        foreach (var (server, options) in _options.CurrentValue.Mcp)
        {
            var key = Fingerprint(server, options);
            var lazy = _connections.GetOrAdd(key, _ => new Lazy<Task<Connection>>(() => ConnectAsync(server, options)));
            var connection = await lazy.Value.WaitAsync(cancellationToken);
            if (connection.FailedAt is { } failedAt && _time.GetUtcNow() - failedAt > RetryAfter)
            {
                _connections.TryRemove(new KeyValuePair<string, Lazy<Task<Connection>>>(key, lazy));
            }

            var functions = connection.Tools
                .Where(t => options.Tools.Count == 0 || options.Tools.Contains(t.Name))
                .Select(t => t.WithName(PluginName($"{server}_{t.Name}")).AsKernelFunction())
                .ToList();
            if (functions.Count > 0)
            {
                plugins.Add(KernelPluginFactory.CreateFromFunctions(PluginName(server), functions));
            }
        }

        return plugins;
    }

    private async Task<Connection> ConnectAsync(string server, McpServerOptions options)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var client = await McpClient.CreateAsync(Transport(server, options), new McpClientOptions(), _loggerFactory, timeout.Token);
            var tools = await client.ListToolsAsync(cancellationToken: timeout.Token);
            LogConnected(_logger, server, tools.Count);
            return new Connection(client, [.. tools], null);
        }
        catch (Exception ex)
        {
            LogConnectFailed(_logger, ex, server);
            return new Connection(null, [], _time.GetUtcNow());
        }
    }

    private static IClientTransport Transport(string server, McpServerOptions options)
    {
        if (options.Transport.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            var headers = new Dictionary<string, string>();
            if (!string.IsNullOrEmpty(options.ApiKeyEnv) && Environment.GetEnvironmentVariable(options.ApiKeyEnv) is { Length: > 0 } key)
            {
                headers["Authorization"] = $"Bearer {key}";
            }

            return new HttpClientTransport(new HttpClientTransportOptions
            {
                Name = server,
                Endpoint = new Uri(options.Url),
                AdditionalHeaders = headers,
            });
        }

        return new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = server,
            Command = options.Command,
            Arguments = [.. options.Arguments],
        });
    }

    private static string PluginName(string server) =>
        new(server.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static string Fingerprint(string server, McpServerOptions o) =>
        $"{server}|{o.Transport}|{o.Command}|{string.Join(' ', o.Arguments)}|{o.Url}|{o.ApiKeyEnv}";

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _connections.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result.Client is { } client)
            {
                await client.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP server '{Server}' connected with {Tools} tool(s)")]
    private static partial void LogConnected(ILogger logger, string server, int tools);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP server '{Server}' could not be reached; its tools are unavailable and it is retried later")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string server);
}
