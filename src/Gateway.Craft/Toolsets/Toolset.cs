using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Gateway.Craft.Toolsets;

/// <summary>The manifest of a toolset (<c>config/toolsets/&lt;name&gt;/toolset.json</c>).</summary>
public sealed record ToolsetManifest
{
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Raised by one on every save, so replicas and caches can tell toolsets apart.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("description")]
    public string Description { get; init; } = "";

    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The tools' names; each has its own file.</summary>
    [JsonPropertyName("tools")]
    public IReadOnlyList<string> Tools { get; init; } = [];
}

/// <summary>A toolset: its manifest and its tools.</summary>
public sealed partial record Toolset(ToolsetManifest Manifest, IReadOnlyList<CraftTool> Tools)
{
    public string Name => Manifest.Name;

    public int Version => Manifest.Version;

    public CraftTool? Find(string tool) => Tools.FirstOrDefault(t => t.Name == tool);

    /// <summary>A toolset with these tools, its manifest listing them.</summary>
    public static Toolset Create(string name, IEnumerable<CraftTool> tools, string description = "", int version = 0)
    {
        var list = tools.ToList();
        return new Toolset(new ToolsetManifest { Name = name, Version = version, Description = description, Tools = list.Select(t => t.Name).ToList() }, list);
    }

    /// <summary>
    /// Toolset names are folder names and Semantic Kernel plugin names: a letter, then letters, digits or <c>_</c>.
    /// </summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Tool names are JavaScript identifiers and Semantic Kernel function names.</summary>
    public static bool IsValidToolName(string? name) => name is not null && ToolNamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ToolNamePattern();
}
