using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Gateway.Craft.Toolsets;

/// <summary>The manifest of a toolset (<c>config/toolsets/&lt;name&gt;/toolset.json</c>).</summary>
public sealed record ToolsetManifest
{
    /// <summary>The manifest layout this code writes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The layout version the manifest was written in; every save writes <see cref="CurrentFormat"/>.</summary>
    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The toolset's name; <see cref="FileToolsetStore"/> takes it from the folder's name when reading.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Raised by one on every save, so replicas and caches can tell toolsets apart.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; }

    /// <summary>What the toolset's tools are for, for people listing toolsets. Default empty.</summary>
    [JsonPropertyName("description")]
    public string Description { get; init; } = "";

    /// <summary>When the store saved this version (from the store's <see cref="TimeProvider"/>).</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The tools' names; each has its own file.</summary>
    [JsonPropertyName("tools")]
    public IReadOnlyList<string> Tools { get; init; } = [];
}

/// <summary>A toolset: its manifest and its tools.</summary>
public sealed partial record Toolset(ToolsetManifest Manifest, IReadOnlyList<CraftTool> Tools)
{
    /// <summary>The toolset's name, from its manifest.</summary>
    public string Name => Manifest.Name;

    /// <summary>The stored version, from its manifest; 0 for a toolset not yet saved.</summary>
    public int Version => Manifest.Version;

    /// <summary>The tool of that exact (case-sensitive) name, or null.</summary>
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
