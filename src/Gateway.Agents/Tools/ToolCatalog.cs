using Microsoft.Extensions.Logging;

namespace Gateway.Agents.Tools;

/// <summary>Every tool the gateway has, gathered from the registered <see cref="IAgentToolSource"/>s.</summary>
public sealed partial class ToolCatalog
{
    private readonly IEnumerable<IAgentToolSource> _sources;
    private readonly ILogger<ToolCatalog> _logger;

    /// <summary>Creates the catalog; registered as a singleton by <c>AddAgentRuntime</c>.</summary>
    /// <param name="sources">Every registered tool source, asked afresh on each call so reloaded settings apply.</param>
    /// <param name="logger">Where a failing source is logged; its tools are left out rather than failing the run.</param>
    public ToolCatalog(IEnumerable<IAgentToolSource> sources, ILogger<ToolCatalog> logger)
    {
        _sources = sources;
        _logger = logger;
    }

    /// <summary>All tools, or only those named in <paramref name="allowed"/> (empty: all), optionally only from some sources.</summary>
    public async Task<IReadOnlyList<AgentTool>> GetToolsAsync(IReadOnlyCollection<string>? allowed, CancellationToken cancellationToken,
        Func<IAgentToolSource, bool>? fromSource = null)
    {
        var tools = new Dictionary<string, AgentTool>(StringComparer.Ordinal);
        foreach (var source in _sources.Where(s => fromSource?.Invoke(s) ?? true))
        {
            IReadOnlyList<Microsoft.SemanticKernel.KernelPlugin> plugins;
            try
            {
                plugins = await source.GetPluginsAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSourceFailed(_logger, ex, source.Name);
                continue;
            }

            foreach (var function in plugins.SelectMany(p => p))
            {
                if (allowed is { Count: > 0 } && !allowed.Contains(function.Name))
                {
                    continue;
                }

                if (!tools.TryAdd(function.Name, new AgentTool(function.Name, source.Name, function)))
                {
                    LogDuplicate(_logger, function.Name, source.Name);
                }
            }
        }

        return [.. tools.Values];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool source '{Source}' failed to list its tools; its tools are unavailable for now")]
    private static partial void LogSourceFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool '{Tool}' from '{Source}' is ignored: another source already offers a tool with that name")]
    private static partial void LogDuplicate(ILogger logger, string tool, string source);
}
