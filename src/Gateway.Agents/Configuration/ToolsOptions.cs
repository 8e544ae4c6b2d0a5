namespace Gateway.Agents.Configuration;

/// <summary>The gateway's tools, <c>Gateway:Tools</c>.</summary>
public sealed class ToolsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Tools";

    /// <summary>BM25 search over a folder of documents; off while <see cref="SearchOptions.Directory"/> is empty.</summary>
    public SearchOptions Search { get; set; } = new();

    /// <summary>The <c>http_get</c> tool; off while <see cref="HttpGetOptions.AllowedHosts"/> is empty (the default).</summary>
    public HttpGetOptions Http { get; set; } = new();

    /// <summary>MCP servers whose tools agents may call, by name; their tools are named <c>&lt;server&gt;_&lt;tool&gt;</c>.</summary>
    public Dictionary<string, McpServerOptions> Mcp { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Serve the gateway's tools as an MCP server at <c>/mcp</c> (any valid key).</summary>
    public bool ServeMcp { get; set; } = true;

    /// <summary>Longest a tool call made through the gateway's MCP server may take.</summary>
    public TimeSpan ServeTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
