using System.Xml.Linq;
using Gateway.TestUtilities;

namespace Gateway.UnitTests.Architecture;

/// <summary>
/// Habits the compiler alone cannot hold: one <c>ConfigureAwait</c> policy (none: no host of ours installs a
/// synchronization context), and the build settings that make style, docs and warnings part of every build.
/// </summary>
public sealed class BuildHabitsTests
{
    [Fact]
    public void Sources_NoFileUnderSrc_CallsConfigureAwait()
    {
        var offenders = Directory.EnumerateFiles(Repository.PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f))
            .Where(f => File.ReadAllText(f).Contains(".ConfigureAwait(", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Repository.PathOf("src"), f))
            .ToList();

        Assert.True(offenders.Count == 0, "ConfigureAwait in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void BuildProps_EveryProject_EnforcesStyleWritesDocsAndTreatsWarningsAsErrors()
    {
        var properties = XDocument.Load(Repository.PathOf("Directory.Build.props")).Descendants("PropertyGroup").Elements()
            .GroupBy(e => e.Name.LocalName)
            .ToDictionary(g => g.Key, g => g.Last().Value.Trim());

        Assert.Equal("true", properties["EnforceCodeStyleInBuild"]);
        Assert.Equal("true", properties["GenerateDocumentationFile"]);
        Assert.Equal("true", properties["TreatWarningsAsErrors"]);
        Assert.Contains("NU1603", properties["NoWarn"], StringComparison.Ordinal);
    }

    [Fact]
    public void BuildTargets_LibrariesUnderSrc_AreNotExcusedFromDocs()
    {
        // Only executables and projects outside src/ may skip CS1591: the condition names both, and nothing else.
        var group = XDocument.Load(Repository.PathOf("Directory.Build.targets")).Descendants("PropertyGroup")
            .Single(g => g.Elements("NoWarn").Any(n => n.Value.Contains("CS1591", StringComparison.Ordinal)));
        var condition = (string?)group.Attribute("Condition") ?? "";

        Assert.Contains("'$(OutputType)' != 'Library'", condition, StringComparison.Ordinal);
        Assert.Contains("Contains('/src/')", condition, StringComparison.Ordinal);
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}
