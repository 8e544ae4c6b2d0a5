using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Gateway.Configuration;

/// <summary>
/// Adds the config directory's JSON files to configuration (below environment variables and the
/// command line) and keeps a reload of a broken file from clearing or crashing anything: the
/// broken file is reported, and snapshot sources keep their last good value while it is broken.
/// </summary>
public sealed class ConfigurationFiles
{
    /// <summary>The setting naming the config directory; a relative one is taken from the content root. Default <c>config</c>.</summary>
    public const string DirectoryKey = "Gateway:ConfigDirectory";

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private readonly List<string> _paths = [];

    /// <summary>The configuration files found, appsettings*.json and the config directory's, as full paths.</summary>
    public IReadOnlyList<string> Paths => _paths;

    /// <summary>
    /// Adds every <c>*.json</c> of the config directory (<see cref="DirectoryKey"/>) to <paramref name="configuration"/>,
    /// watched for changes, and makes every configuration file's load errors non-fatal.
    /// </summary>
    public static ConfigurationFiles Register(ConfigurationManager configuration, string contentRoot)
    {
        var files = new ConfigurationFiles();
        var directory = configuration[DirectoryKey] ?? "config";
        if (!Path.IsPathRooted(directory))
        {
            directory = Path.Combine(contentRoot, directory);
        }

        // Insert the folder's files right after the last JSON file source (appsettings*.json),
        // so that environment variables and command-line arguments still override them.
        var sources = configuration.Sources;
        var insertAt = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                insertAt = i + 1;
            }
        }

        if (Directory.Exists(directory))
        {
            foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
            {
                var source = new JsonConfigurationSource
                {
                    Path = Path.GetFileName(path),
                    Optional = true,
                    ReloadOnChange = true,
                    ReloadDelay = 100,
                    FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(directory),
                };
                sources.Insert(insertAt++, source);
            }
        }

        foreach (var source in sources.OfType<FileConfigurationSource>())
        {
            source.OnLoadException = context => context.Ignore = true;
            if (source.FileProvider?.GetFileInfo(source.Path ?? string.Empty) is { Exists: true, PhysicalPath: { } physical })
            {
                files._paths.Add(physical);
            }
        }

        return files;
    }

    /// <summary>Checks that every configuration file currently parses; returns the first problem.</summary>
    public bool TryValidate(out string? error)
    {
        foreach (var path in _paths)
        {
            try
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                using var document = JsonDocument.Parse(File.ReadAllBytes(path), ParseOptions);
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                error = $"{path}: {ex.Message}";
                return false;
            }
        }

        error = null;
        return true;
    }
}
