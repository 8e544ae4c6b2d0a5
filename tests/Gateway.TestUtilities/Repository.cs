namespace Gateway.TestUtilities;

/// <summary>Paths in the repository the tests run from (found upwards from the test binaries).</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
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

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>
    /// <c>config/pool.json</c> as committed with each model's <c>Path</c> made absolute, ready to be written into a
    /// test gateway's config folder: the embedded default's trained pool from wherever the tests run.
    /// </summary>
    public static string PoolJson()
    {
        var pool = System.Text.Json.Nodes.JsonNode.Parse(Read("config/pool.json"))!;
        foreach (var (_, model) in pool["Gateway"]!["Models"]!.AsObject())
        {
            model!["Path"] = PathOf(model["Path"]!.GetValue<string>());
        }

        return pool.ToJsonString();
    }
}
