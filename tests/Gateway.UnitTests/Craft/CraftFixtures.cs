using Gateway.Craft.Toolsets;

namespace Gateway.UnitTests.Craft;

/// <summary>The repository's shipped toolsets, read from <c>config/toolsets</c>.</summary>
internal static class CraftFixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Gateway.sln above {AppContext.BaseDirectory}.");
    });

    public static string ToolsetsDirectory => Path.Combine(Root.Value, "config", "toolsets");

    public static FileToolsetStore ShippedStore => new(ToolsetsDirectory);

    public static async Task<Toolset> ShippedAsync(string name) =>
        await ShippedStore.GetAsync(name) ?? throw new InvalidOperationException($"config/toolsets/{name} is missing.");
}
