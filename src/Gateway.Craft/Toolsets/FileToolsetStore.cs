using System.Text.Json;

namespace Gateway.Craft.Toolsets;

/// <summary>
/// Toolsets as folders of JSON files: <c>&lt;root&gt;/&lt;name&gt;/toolset.json</c> (the manifest) and one
/// <c>&lt;tool&gt;.json</c> per tool. A save writes the tools first and the manifest last, each through a
/// temporary file, so a reader sees the old version or the new one.
/// </summary>
public sealed class FileToolsetStore(string root, TimeProvider? time = null) : IToolsetStore
{
    /// <summary>The manifest's file name in each toolset folder; a folder without one is not a toolset.</summary>
    public const string ManifestFile = "toolset.json";

    /// <summary>The root the CLI uses when none is given, relative to the working directory.</summary>
    public const string DefaultRoot = "config/toolsets";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The folder holding one folder per toolset, as a full path.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    /// <remarks>Folders without a manifest, or whose name is not a valid toolset name, are skipped.</remarks>
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> names = Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root)
                .Where(d => File.Exists(Path.Combine(d, ManifestFile)))
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(Toolset.IsValidName)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return Task.FromResult(names);
    }

    /// <inheritdoc />
    /// <exception cref="ToolsetFormatException">The manifest or a tool file it lists is missing, unreadable or invalid.</exception>
    public async Task<Toolset?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!Toolset.IsValidName(name))
        {
            return null;
        }

        var folder = Path.Combine(Root, name);
        var manifestPath = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        var manifest = ToolsetJson.Read<ToolsetManifest>(await File.ReadAllTextAsync(manifestPath, cancellationToken), manifestPath);
        var tools = new List<CraftTool>();
        foreach (var tool in manifest.Tools)
        {
            if (!Toolset.IsValidToolName(tool))
            {
                throw new ToolsetFormatException($"{manifestPath}: '{tool}' is not a valid tool name.");
            }

            var path = Path.Combine(folder, tool + ".json");
            if (!File.Exists(path))
            {
                throw new ToolsetFormatException($"{manifestPath} lists '{tool}', but {path} does not exist.");
            }

            var read = ToolsetJson.Read<CraftTool>(await File.ReadAllTextAsync(path, cancellationToken), path);
            if (read.Name != tool)
            {
                throw new ToolsetFormatException($"{path} holds a tool named '{read.Name}', not '{tool}'.");
            }

            tools.Add(read);
        }

        return ToolsetJson.Validate(new Toolset(manifest with { Name = name }, tools), folder);
    }

    /// <inheritdoc />
    /// <remarks>Tool files the previous version listed and this one drops are deleted after the manifest is written.</remarks>
    public async Task<Toolset> SaveAsync(Toolset toolset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolset);
        ToolsetJson.Validate(toolset, $"Toolset '{toolset.Name}'");
        var folder = Path.Combine(Root, toolset.Name);
        Directory.CreateDirectory(folder);
        var previous = await ReadManifestAsync(folder, cancellationToken);
        var manifest = toolset.Manifest with
        {
            Format = ToolsetManifest.CurrentFormat,
            Version = (previous?.Version ?? 0) + 1,
            UpdatedAt = _time.GetUtcNow(),
            Tools = toolset.Tools.Select(t => t.Name).ToList(),
        };
        foreach (var tool in toolset.Tools)
        {
            await WriteAsync(Path.Combine(folder, tool.Name + ".json"), JsonSerializer.Serialize(tool, ToolsetJson.Options), cancellationToken);
        }

        await WriteAsync(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, ToolsetJson.Options), cancellationToken);

        // Tools of the previous version that this one dropped.
        foreach (var stale in (previous?.Tools ?? []).Except(manifest.Tools).Where(Toolset.IsValidToolName))
        {
            File.Delete(Path.Combine(folder, stale + ".json"));
        }

        return new Toolset(manifest, toolset.Tools);
    }

    private static async Task<ToolsetManifest?> ReadManifestAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, ManifestFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return ToolsetJson.Read<ToolsetManifest>(await File.ReadAllTextAsync(path, cancellationToken), path);
        }
        catch (ToolsetFormatException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text + "\n", cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
