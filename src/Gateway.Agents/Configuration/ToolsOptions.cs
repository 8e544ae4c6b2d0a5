namespace Gateway.Agents.Configuration;

/// <summary>The gateway's tools, <c>Gateway:Tools</c>.</summary>
public sealed class ToolsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionPath = "Gateway:Tools";

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

/// <summary>The document search tool, <c>Gateway:Tools:Search</c>: BM25 over a folder of documents, reloaded when the settings or files change.</summary>
public sealed class SearchOptions
{
    /// <summary>Folder of <c>.txt</c> and <c>.md</c> files (relative to the content root); each file is a document.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Most documents one search returns; values below 1 count as 1. Default 3.</summary>
    public int TopK { get; set; } = 3;

    /// <summary>Longest excerpt returned per hit, in characters.</summary>
    public int MaxExcerptChars { get; set; } = 600;
}

/// <summary>The <c>http_get</c> tool, <c>Gateway:Tools:Http</c>. Settings out of range turn the tool off (logged).</summary>
public sealed class HttpGetOptions
{
    /// <summary>
    /// Where <c>http_get</c> may fetch. <c>host</c> allows that host on its scheme's default port only (80 for http,
    /// 443 for https); <c>host:port</c> allows exactly that port (an IPv6 literal as <c>[::1]:8080</c>). Names match
    /// exactly (no wildcards). Empty (the default) turns the tool off.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Most characters of a response body the tool reads and returns; 1 to 1,000,000. Default 4000.</summary>
    public int MaxResponseChars { get; set; } = 4000;

    /// <summary>Longest a whole fetch may take, redirects, headers and body included; above zero, at most 5 minutes. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Let <c>http_get</c> connect to private, loopback, link-local, unique-local, CGNAT, multicast and unspecified
    /// addresses. For trusted internal networks only: with it on, an allow-listed name that resolves to an internal
    /// address reaches that address. Default false.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}

/// <summary>One MCP server whose tools agents may call, <c>Gateway:Tools:Mcp:&lt;server&gt;</c>.</summary>
public sealed class McpServerOptions
{
    /// <summary><c>stdio</c> (a child process) or <c>http</c> (Streamable HTTP / SSE).</summary>
    public string Transport { get; set; } = "stdio";

    /// <summary>For <c>stdio</c>: the executable the gateway starts as the server. Ignored for <c>http</c>.</summary>
    public string Command { get; set; } = "";

    /// <summary>For <c>stdio</c>: the command-line arguments of <see cref="Command"/>, each passed as is. Default none.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>For <c>http</c>: the server's endpoint, an absolute URL. Ignored for <c>stdio</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Environment variable holding a bearer token for an HTTP server.</summary>
    public string ApiKeyEnv { get; set; } = "";

    /// <summary>Tool names to take from the server; empty takes all.</summary>
    public List<string> Tools { get; set; } = [];
}
