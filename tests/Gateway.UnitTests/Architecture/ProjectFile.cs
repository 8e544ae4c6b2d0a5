using System.Xml.Linq;

namespace Gateway.UnitTests.Architecture;

/// <summary>What a project file says about the graph: its kind, the projects it references and its packages.</summary>
internal sealed record ProjectFile(string Name, bool IsExecutable, IReadOnlyList<ProjectFile.Reference> References, IReadOnlyList<string> Packages)
{
    /// <summary>
    /// A project reference. <see cref="ConsumesAssembly"/> is false for a reference that only orders the build
    /// (<c>ReferenceOutputAssembly="false"</c>): the referencing project compiles against none of its types.
    /// </summary>
    public sealed record Reference(string Project, bool ConsumesAssembly);

    /// <summary>Every <c>*.csproj</c> one folder below <paramref name="directory"/>, by project name.</summary>
    public static IReadOnlyDictionary<string, ProjectFile> LoadAll(string directory) =>
        Directory.EnumerateFiles(directory, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(Load)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static ProjectFile Load(string path)
    {
        var document = XDocument.Load(path);
        var root = document.Root!;
        var outputType = root.Descendants("OutputType").LastOrDefault()?.Value;

        // The web SDK makes an executable unless the project says otherwise.
        var isExecutable = outputType is not null
            ? outputType.Equals("Exe", StringComparison.OrdinalIgnoreCase) || outputType.Equals("WinExe", StringComparison.OrdinalIgnoreCase)
            : ((string?)root.Attribute("Sdk"))?.StartsWith("Microsoft.NET.Sdk.Web", StringComparison.Ordinal) == true;

        var references = root.Descendants("ProjectReference")
            .Select(r => new Reference(
                Path.GetFileNameWithoutExtension(((string)r.Attribute("Include")!).Replace('\\', '/')),
                !string.Equals(Metadata(r, "ReferenceOutputAssembly"), "false", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var packages = root.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!).ToList();
        return new ProjectFile(Path.GetFileNameWithoutExtension(path), isExecutable, references, packages);
    }

    /// <summary>Item metadata written either as an attribute or as a child element.</summary>
    private static string? Metadata(XElement item, string name) =>
        (string?)item.Attribute(name) ?? item.Element(name)?.Value;
}
