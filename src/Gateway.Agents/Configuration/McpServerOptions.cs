namespace Gateway.Agents.Configuration;

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
