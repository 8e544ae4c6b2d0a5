using Gateway.Craft.Sandbox;
using Gateway.Craft.SemanticKernel;
using Gateway.Craft.Toolsets;
using Microsoft.SemanticKernel;

namespace Gateway.Craft;

/// <summary>The stored toolsets as Semantic Kernel plugins, for agents that take tools as kernel functions.</summary>
public sealed class CraftPlugins(IToolsetStore store, JsSandbox sandbox)
{
    /// <summary>The toolset's plugin; null when there is no toolset of that name.</summary>
    public async Task<KernelPlugin?> GetAsync(string toolset, CancellationToken cancellationToken = default) =>
        await store.GetAsync(toolset, cancellationToken) is { } found ? ToolsetPlugin.Create(found, sandbox) : null;

    /// <summary>One plugin per stored toolset.</summary>
    public async Task<IReadOnlyList<KernelPlugin>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        var plugins = new List<KernelPlugin>();
        foreach (var name in await store.ListAsync(cancellationToken))
        {
            if (await GetAsync(name, cancellationToken) is { } plugin)
            {
                plugins.Add(plugin);
            }
        }

        return plugins;
    }
}
