using Gateway.TestUtilities;

namespace Gateway.UnitTests.Architecture;

/// <summary>
/// The projects under <c>src/</c> form a graph that points one way: executables on top (the gateway, the
/// ModelServer, the sandbox worker), the verbs in one CLI project the gateway references, libraries below them
/// that reference no executable and no verb packages, and no library that borrows a sibling for one helper.
/// </summary>
public sealed class ProjectGraphTests
{
    private const string Cli = "Gateway.Cli";
    private const string Host = "Gateway.Host";
    private const string ModelServer = "Gateway.ModelServer";
    private const string OpenAI = "Gateway.OpenAI";

    /// <summary>Packages that make a command line; the server's libraries need none of them.</summary>
    private static readonly string[] CommandLinePackages = ["System.CommandLine", "Spectre.Console"];

    /// <summary>
    /// Libraries that consume an executable's assembly, each with the reason. Craft launches the sandbox worker
    /// and speaks its wire protocol, whose types live once, in the worker; the reference also puts the worker
    /// beside every program that hosts the sandbox.
    /// </summary>
    private static readonly HashSet<(string Library, string Executable)> ExecutablesLibrariesConsume =
    [
        ("Gateway.Craft", "Gateway.Craft.Worker"),
    ];

    private static readonly IReadOnlyDictionary<string, ProjectFile> Projects = ProjectFile.LoadAll(Repository.PathOf("src"));

    [Fact]
    public void Load_SourceFolder_FindsTheGatewayItsVerbsAndItsLibraries()
    {
        Assert.Contains(Host, Projects.Keys);
        Assert.Contains(Cli, Projects.Keys);
        Assert.Contains("Gateway.Routing", Projects.Keys);
        Assert.True(Projects[Host].IsExecutable);
        Assert.True(Projects[ModelServer].IsExecutable);
        Assert.False(Projects[Cli].IsExecutable);
    }

    [Fact]
    public void ProjectReferences_AnyProject_NeverReferenceTheGateway()
    {
        var referencing = Projects.Values.Where(p => p.References.Any(r => r.Project == Host)).Select(p => p.Name);

        Assert.Empty(referencing);
    }

    [Fact]
    public void ProjectReferences_Craft_DoesNotReferenceTheRouter()
    {
        Assert.DoesNotContain(Projects["Gateway.Craft"].References, r => r.Project == "Gateway.Routing");
    }

    [Fact]
    public void PackageReferences_CommandLinePackages_OnlyInTheCliProject()
    {
        var offenders = Projects.Values
            .Where(p => p.Name != Cli)
            .SelectMany(p => p.Packages.Where(IsCommandLinePackage).Select(package => $"{p.Name} -> {package}"));

        Assert.Empty(offenders);
        Assert.Contains(Projects[Cli].Packages, IsCommandLinePackage);
    }

    [Fact]
    public void ProjectReferences_Host_BuildsTheModelServerWithoutConsumingItsAssembly()
    {
        // The pool starts the ModelServer as a process from the gateway's folder: the gateway must build it,
        // and must not load it, directly or through a library.
        var reference = Assert.Single(Projects[Host].References, r => r.Project == ModelServer);

        Assert.False(reference.ConsumesAssembly);
        Assert.DoesNotContain(ModelServer, ConsumedClosure(Host));
    }

    [Fact]
    public void ProjectReferences_Libraries_ConsumeNoExecutable()
    {
        var offenders = Projects.Values
            .Where(p => !p.IsExecutable && p.Name != Cli)
            .SelectMany(p => p.References
                .Where(r => r.ConsumesAssembly && Projects.TryGetValue(r.Project, out var target) && target.IsExecutable)
                .Where(r => !ExecutablesLibrariesConsume.Contains((p.Name, r.Project)))
                .Select(r => $"{p.Name} -> {r.Project}"));

        Assert.Empty(offenders);
    }

    [Fact]
    public void ProjectReferences_OpenAIWireModule_ReferencesAtMostTheAbstractionsAndNoPackage()
    {
        // Everything that speaks the wire references the module, so it must sit at the bottom of the graph.
        var references = Projects[OpenAI].References.Select(r => r.Project).Where(r => r != "Gateway.Abstractions");

        Assert.Empty(references);
        Assert.Empty(Projects[OpenAI].Packages);
        Assert.False(Projects[OpenAI].IsExecutable);
    }

    [Theory]
    [InlineData(Host)]
    [InlineData(ModelServer)]
    [InlineData("Gateway.Inference")]
    [InlineData(Cli)]
    public void ProjectReferences_ProjectsThatSpeakTheWire_ReachTheOpenAIWireModule(string project)
    {
        Assert.Contains(OpenAI, ConsumedClosure(project));
    }

    private static bool IsCommandLinePackage(string package) =>
        CommandLinePackages.Any(p => package == p || package.StartsWith(p + ".", StringComparison.Ordinal));

    /// <summary>The projects whose assemblies <paramref name="project"/> loads, directly or through another.</summary>
    private static HashSet<string> ConsumedClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var name))
        {
            foreach (var reference in Projects.TryGetValue(name, out var file) ? file.References : [])
            {
                if (reference.ConsumesAssembly && seen.Add(reference.Project))
                {
                    pending.Push(reference.Project);
                }
            }
        }

        return seen;
    }
}
