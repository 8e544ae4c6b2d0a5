using Gateway.Craft.Toolsets;
using Gateway.TestUtilities;

namespace Gateway.UnitTests.Craft;

/// <summary>The repository's shipped toolsets, read from <c>config/toolsets</c>.</summary>
internal static class CraftFixtures
{
    public static string ToolsetsDirectory => Repository.PathOf("config/toolsets");

    public static FileToolsetStore ShippedStore => new(ToolsetsDirectory);

    public static async Task<Toolset> ShippedAsync(string name) =>
        await ShippedStore.GetAsync(name) ?? throw new InvalidOperationException($"config/toolsets/{name} is missing.");
}
