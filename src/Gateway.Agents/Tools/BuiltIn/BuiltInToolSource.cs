using Gateway.Agents.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>
/// The gateway's own tools: <c>calculator</c>, <c>clock</c>, <c>search</c> (when a document folder is
/// configured) and <c>http_get</c> (when hosts are allow-listed). Follows <c>Gateway:Tools</c> on reload.
/// </summary>
internal sealed partial class BuiltInToolSource : IAgentToolSource, IDisposable
{
    private readonly IOptionsMonitor<ToolsOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BuiltInToolSource> _logger;
    private readonly string _contentRoot;
    // One client per address policy: a connection opened while private addresses were allowed is never reused after.
    private readonly HttpClient _publicHttp = new HttpGetConnector(allowPrivateAddresses: false).CreateClient();
    private readonly HttpClient _privateHttp = new HttpGetConnector(allowPrivateAddresses: true).CreateClient();
    // Swapped whole (one reference), so parallel runs never read a key with another key's plugin.
    private Cached _search = new("", null);
    private Cached _httpGet = new("", null);

    public BuiltInToolSource(IOptionsMonitor<ToolsOptions> options, TimeProvider time, IHostEnvironment environment, ILogger<BuiltInToolSource> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _contentRoot = environment.ContentRootPath;
    }

    public string Name => "builtin";

    public ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var plugins = new List<KernelPlugin>
        {
            KernelPluginFactory.CreateFromType<CalculatorPlugin>("calculator"),
            KernelPluginFactory.CreateFromObject(new ClockPlugin(_time), "clock"),
        };

        try
        {
            if (SearchPlugin(options.Search) is { } search)
            {
                plugins.Add(search);
            }
        }
        catch (IOException)
        {
            // A missing or unreadable document folder takes out the search tool, not the others.
        }

        if (options.Http.AllowedHosts.Count > 0 && HttpGet(options.Http) is { } http)
        {
            plugins.Add(http);
        }

        return ValueTask.FromResult<IReadOnlyList<KernelPlugin>>(plugins);
    }

    /// <summary>The index is rebuilt only when the folder or its files change.</summary>
    private KernelPlugin? SearchPlugin(SearchOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            return null;
        }

        var directory = Path.GetFullPath(options.Directory, _contentRoot);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{ToolsOptions.SectionName}:Search:Directory '{directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{f}:{File.GetLastWriteTimeUtc(f).Ticks}");
        var key = $"{directory}|{options.TopK}|{options.MaxExcerptChars}|{string.Join('|', files)}";
        var current = _search;
        if (current.Key == key)
        {
            return current.Plugin;
        }

        var plugin = KernelPluginFactory.CreateFromObject(
            DocumentSearchPlugin.Load(directory, Math.Max(1, options.TopK), Math.Max(1, options.MaxExcerptChars)), "search");
        _search = new(key, plugin);
        return plugin;
    }

    /// <summary>The tool for the current settings, or null (logged once per change) when a setting is out of range.</summary>
    private KernelPlugin? HttpGet(HttpGetOptions options)
    {
        var key = $"{string.Join('|', options.AllowedHosts)}|{options.MaxResponseChars}|{options.Timeout}|{options.AllowPrivateAddresses}";
        var current = _httpGet;
        if (current.Key == key)
        {
            return current.Plugin;
        }

        KernelPlugin? plugin = null;
        try
        {
            var settings = HttpGetSettings.From(options);
            var http = settings.AllowPrivateAddresses ? _privateHttp : _publicHttp;
            plugin = KernelPluginFactory.CreateFromObject(
                new HttpGetPlugin(http, settings.AllowList, settings.MaxResponseChars, settings.Timeout, _time), "http");
        }
        catch (FormatException ex)
        {
            LogHttpGetOff(_logger, ex.Message);
        }

        _httpGet = new(key, plugin);
        return plugin;
    }

    public void Dispose()
    {
        _publicHttp.Dispose();
        _privateHttp.Dispose();
    }

    private sealed record Cached(string Key, KernelPlugin? Plugin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The http_get tool is off: {Reason}")]
    private static partial void LogHttpGetOff(ILogger logger, string reason);
}
