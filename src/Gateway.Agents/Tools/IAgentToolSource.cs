using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools;

/// <summary>
/// Supplies tools to agents as Semantic Kernel plugins. Register any number in DI
/// (<c>services.AddSingleton&lt;IAgentToolSource, MySource&gt;()</c>); every function of every plugin
/// becomes a tool named by the function's name, usable in agent definitions, plans and the
/// gateway's MCP server. Names must be unique across sources: the first source to claim a name keeps it.
/// </summary>
public interface IAgentToolSource
{
    /// <summary>A short name for logs and traces (<c>builtin</c>, <c>mcp:files</c>).</summary>
    string Name { get; }

    /// <summary>The plugins this source offers now; called per run, so a source may change over time (reloads, reconnects).</summary>
    ValueTask<IReadOnlyList<KernelPlugin>> GetPluginsAsync(CancellationToken cancellationToken);
}
