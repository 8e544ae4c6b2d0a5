using Gateway.Agents.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>
/// The gateway's own tools: <c>calculator</c>, <c>clock</c>, <c>search</c> (when a document folder is
/// configured) and <c>http_get</c> (when hosts are allow-listed). Follows <c>Gateway:Tools</c> on reload.
/// </summary>
internal sealed class BuiltInToolSource : IAgentToolSource, IDisposable
{
    private readonly IOptionsMonitor<ToolsOptions> _options;
    private readonly TimeProvider _time;
    private readonly string _contentRoot;
    private readonly HttpClient _http;
    private (string Key, KernelPlugin? Plugin) _search;

    public BuiltInToolSource(IOptionsMonitor<ToolsOptions> options, TimeProvider time, IHostEnvironment environment)
    {
        _options = options;
        _time = time;
        _contentRoot = environment.ContentRootPath;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
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

        if (options.Http.AllowedHosts.Count > 0)
        {
            var http = new HttpGetPlugin(_http, [.. options.Http.AllowedHosts], Math.Max(1, options.Http.MaxResponseChars));
            plugins.Add(KernelPluginFactory.CreateFromObject(http, "http"));
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
            throw new DirectoryNotFoundException($"{ToolsOptions.SectionPath}:Search:Directory '{directory}' does not exist.");
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
        _search = (key, plugin);
        return plugin;
    }

    public void Dispose() => _http.Dispose();
}
