using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>The chart's values.yaml as a tree of key paths, and the <c>.Values</c> paths its templates read.</summary>
internal sealed partial class HelmChart
{
    private HelmChart(string directory, YamlMappingNode values, string valuesText, IReadOnlyDictionary<string, string> templates)
    {
        Directory = directory;
        Values = values;
        ValuesLines = valuesText.Split('\n');
        Templates = templates;
    }

    public string Directory { get; }

    public YamlMappingNode Values { get; }

    public IReadOnlyList<string> ValuesLines { get; }

    /// <summary>Template file name → text, NOTES.txt and _helpers.tpl included.</summary>
    public IReadOnlyDictionary<string, string> Templates { get; }

    public static HelmChart Load(string directory)
    {
        var text = File.ReadAllText(Path.Combine(directory, "values.yaml"));
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var templates = System.IO.Directory.EnumerateFiles(Path.Combine(directory, "templates"))
            .ToDictionary(p => Path.GetFileName(p), File.ReadAllText, StringComparer.Ordinal);
        return new HelmChart(directory, (YamlMappingNode)stream.Documents[0].RootNode, text, templates);
    }

    /// <summary>Every key path in values.yaml (maps are walked; lists and scalars end a path), with its key node.</summary>
    public IEnumerable<(string Path, YamlNode Key, YamlNode Value)> ValuePaths()
    {
        var pending = new Stack<(string Prefix, YamlMappingNode Map)>();
        pending.Push((string.Empty, Values));
        while (pending.Count > 0)
        {
            var (prefix, map) = pending.Pop();
            foreach (var (key, value) in map.Children)
            {
                var path = prefix + "." + ((YamlScalarNode)key).Value;
                yield return (path, key, value);
                if (value is YamlMappingNode child)
                {
                    pending.Push((path, child));
                }
            }
        }
    }

    /// <summary>The leaves: keys whose value is a scalar, a list, or an empty map.</summary>
    public IEnumerable<(string Path, YamlNode Key)> LeafPaths() =>
        ValuePaths().Where(p => p.Value is not YamlMappingNode { Children.Count: > 0 }).Select(p => (p.Path, p.Key));

    /// <summary>Whether values.yaml has this key path (any kind of value).</summary>
    public bool HasPath(string path) => ValuePaths().Any(p => p.Path == path);

    /// <summary>Every <c>.Values.a.b</c> path the templates read (as <c>.a.b</c>), with the files that read it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> TemplatePaths() =>
        Templates
            .SelectMany(t => ValuesReference().Matches(t.Value).Select(m => (Path: m.Groups[1].Value, File: t.Key)))
            .GroupBy(r => r.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(r => r.File).Distinct()], StringComparer.Ordinal);

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesReference();
}
