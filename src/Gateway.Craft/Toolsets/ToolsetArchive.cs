using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Craft.Toolsets;

/// <summary>
/// A whole toolset in one JSON file (<c>toolset export</c> / <c>toolset import</c>): the manifest's fields and the tools.
/// </summary>
public static class ToolsetArchive
{
    /// <summary>The toolset as one JSON archive: its manifest (version included) and every tool in full.</summary>
    public static string Serialize(Toolset toolset)
    {
        ArgumentNullException.ThrowIfNull(toolset);
        return JsonSerializer.Serialize(new Archive(toolset.Manifest, toolset.Tools), ToolsetJson.Options);
    }

    /// <exception cref="ToolsetFormatException">The text is not a valid toolset archive.</exception>
    public static Toolset Deserialize(string json, string what = "The toolset archive")
    {
        var archive = ToolsetJson.Read<Archive>(json, what);
        if (archive.Manifest is null || archive.Tools is null)
        {
            throw new ToolsetFormatException($"{what} needs 'manifest' and 'tools'.");
        }

        var tools = archive.Tools.ToList();
        return ToolsetJson.Validate(new Toolset(archive.Manifest with { Tools = tools.Select(t => t.Name).ToList() }, tools), what);
    }

    private sealed record Archive(
        [property: JsonPropertyName("manifest")] ToolsetManifest? Manifest,
        [property: JsonPropertyName("tools")] IReadOnlyList<CraftTool>? Tools);
}
