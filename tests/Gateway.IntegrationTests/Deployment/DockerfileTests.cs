using System.Text.RegularExpressions;
using System.Xml.Linq;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>The Dockerfile against the repository: what it copies, how it publishes, how it starts.</summary>
public sealed partial class DockerfileTests
{
    /// <summary>
    /// The node-llama-cpp release whose llama.cpp source (with build/llama-abi.patch) each LLamaSharp version's structs
    /// were checked against (bench/gpu/abi-check.sh): a new LLamaSharp needs that check again and, likely, a new patch.
    /// </summary>
    private static readonly Dictionary<string, string> NodeLlamaCppByLLamaSharp = new()
    {
        ["0.30.0"] = "3.22.1",
    };

    private static readonly DockerfileModel Dockerfile = DockerfileModel.Load(Repository.PathOf("Dockerfile"));

    [Fact]
    public void Copy_EverySource_ExistsInTheRepositoryAndTheBuildContext()
    {
        var ignore = DockerIgnore.Load(Repository.PathOf(".dockerignore"));
        var copies = Dockerfile.Copies().Where(c => c.Copy.From is null).ToList();
        Assert.NotEmpty(copies);
        foreach (var (stage, copy) in copies)
        {
            foreach (var source in copy.Sources)
            {
                var path = Repository.PathOf(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"stage {stage.Name}: COPY {source} does not exist in the repository");
                Assert.False(ignore.IsExcluded(source), $"stage {stage.Name}: COPY {source} is excluded by .dockerignore");
            }
        }
    }

    [Fact]
    public void Publish_BuildStage_RunsTheScriptCiRunsAndTheImageTakesItsOutput()
    {
        var build = Dockerfile.Stage("build");
        var publishRuns = build.All("RUN").Where(r => r.Arguments.Contains("publish", StringComparison.Ordinal)).ToList();
        var run = Assert.Single(publishRuns);
        Assert.DoesNotContain(Dockerfile.Stages.SelectMany(s => s.All("RUN")), r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal));

        var invocation = PublishInvocation().Match(run.Arguments);
        Assert.True(invocation.Success, $"the publish step should run build/publish.sh: {run.Arguments}");
        var script = invocation.Groups["script"].Value;
        var output = invocation.Groups["out"].Value;

        // The script CI runs, the same file.
        var ciLines = Repository.Read(".ci/run").Split('\n').Select(l => l.Trim()).Where(l => !l.StartsWith('#'));
        Assert.True(
            ciLines.Any(l => PublishInvocation().Match(l) is { Success: true } m && m.Groups["script"].Value == script),
            $".ci/run should run the image's publish step, e.g. `bash {script} \"$results/publish\"`");

        // The script publishes the gateway, and the build stage copies that project in.
        Assert.Contains("dotnet publish src/Gateway.Host/Gateway.Host.csproj", Repository.Read(script), StringComparison.Ordinal);
        Assert.Contains(Dockerfile.Copies(), c => c.Stage == build && c.Copy.Sources.Contains("src/"));

        // The image takes exactly that output folder.
        var final = Dockerfile.Final;
        var fromBuild = Dockerfile.Copies().Where(c => c.Stage == final && c.Copy.From == "build").Select(c => c.Copy).ToList();
        var copy = Assert.Single(fromBuild);
        Assert.Equal(output, copy.Sources.Single());
        Assert.Equal(final.Last("WORKDIR")!.Arguments, Dockerfile.Environment(final)["GATEWAY_APP_DIR"]);
    }

    [Fact]
    public void Publish_SandboxWorker_IsAnExecutableTheGatewayProjectReferencesAndTheBuildStageCopies()
    {
        // The gateway starts Gateway.Craft.Worker.dll from its own folder: publishing the gateway must put the
        // worker (with its runtimeconfig) there, which it does for an executable in the gateway's project graph.
        const string Worker = "src/Gateway.Craft.Worker/Gateway.Craft.Worker.csproj";
        var worker = XDocument.Load(Repository.PathOf(Worker));
        Assert.Equal("Exe", worker.Descendants("OutputType").Single().Value);
        Assert.Equal("Gateway.Craft.Worker", worker.Descendants("AssemblyName").Single().Value);
        Assert.Contains(Path.GetFullPath(Repository.PathOf(Worker)), ProjectGraph(Repository.PathOf("src/Gateway.Host/Gateway.Host.csproj")));
        Assert.Contains(Dockerfile.Copies(), c => c.Stage.Name == "build" && c.Copy.Sources.Contains("src/"));
    }

    [Fact]
    public void FinalStage_Defaults_NonRootEntryPointWithGatewayVerbHealthcheckAndPort()
    {
        var final = Dockerfile.Final;
        var env = Dockerfile.Environment(final);

        var user = final.Last("USER")!.Arguments;
        Assert.True(int.TryParse(user.Split(':')[0], out var uid) && uid > 0, $"USER {user} should be a numeric non-root id (Kubernetes runAsNonRoot checks it)");

        var entryPoint = Assert.Single(final.Last("ENTRYPOINT")!.ExecForm()!);
        Assert.Equal(Path.Combine(env["GATEWAY_APP_DIR"], "entrypoint.sh"), entryPoint);
        Assert.Equal(new[] { "gateway" }, final.Last("CMD")!.ExecForm()!);
        Assert.Equal(new[] { entryPoint, "healthcheck" }, final.Last("HEALTHCHECK")!.ExecForm("CMD")!);

        Assert.Equal("http://+:8080", env["ASPNETCORE_URLS"]);
        Assert.Equal("8080", final.Last("EXPOSE")!.Arguments);
        Assert.Equal("/config", env["Gateway__ConfigDirectory"]);
        Assert.Equal("true", env["DOTNET_USE_POLLING_FILE_WATCHER"]);
        // The development key is public: an image never accepts it unless its operator turns it on.
        Assert.Equal("false", env["Gateway__AllowDevelopmentKey"]);
    }

    [Fact]
    public void Variant_EachBuildArgValue_HasARuntimeStage()
    {
        Assert.Equal("cpu", Dockerfile.GlobalArgs["VARIANT"]);
        Assert.Equal("runtime-cpu", Dockerfile.Final.Base);
        Assert.Contains(Dockerfile.Stages, s => s.Name == "runtime-cuda");
        var cuda = Dockerfile.Environment(Dockerfile.Stage("runtime-cuda"));
        Assert.Equal("/opt/llama", cuda["GATEWAY_NATIVE_LIB"]);
        Assert.Contains(Dockerfile.Copies(), c => c.Stage.Name == "runtime-cuda" && c.Copy.From == "llama-cuda" && c.Copy.Destination == "/opt/llama");
    }

    [Fact]
    public void CudaStage_LlamaCpp_IsTheGpuKitsSourceBuiltWithItsScript()
    {
        var packages = XDocument.Load(Repository.PathOf("Directory.Packages.props"));
        var llamaSharp = packages.Descendants("PackageVersion").Single(p => (string?)p.Attribute("Include") == "LLamaSharp");
        var version = (string)llamaSharp.Attribute("Version")!;
        Assert.True(NodeLlamaCppByLLamaSharp.TryGetValue(version, out var nodeLlamaCpp),
            $"LLamaSharp {version}: run bench/gpu/run.sh --cpu (its ABI step) against build/llama-source.sh's source, then record the node-llama-cpp version here");
        Assert.Contains($"NLC_VERSION={nodeLlamaCpp}\n", Repository.Read("build/llama-source.sh"), StringComparison.Ordinal);

        // The source: build/llama-source.sh, as bench/gpu/pack.sh puts it in the kit.
        Assert.Contains(Dockerfile.Stage("llama-src").All("RUN"), r => r.Arguments.Contains("build/llama-source.sh", StringComparison.Ordinal));
        Assert.Contains("build/llama-source.sh", Repository.Read("bench/gpu/pack.sh"), StringComparison.Ordinal);

        // The build: build/llama-cpp.sh with CUDA, as bench/gpu/run.sh builds it, from that source.
        var cuda = Dockerfile.Stage("llama-cuda");
        Assert.Contains(Dockerfile.Copies(), c => c.Stage == cuda && c.Copy.From == "llama-src");
        Assert.Contains(cuda.All("RUN"), r => r.Arguments.Contains("llama-cpp.sh", StringComparison.Ordinal) && r.Arguments.Contains("--cuda", StringComparison.Ordinal));
        Assert.Contains("llama-cpp.sh", Repository.Read("bench/gpu/run.sh"), StringComparison.Ordinal);
    }

    /// <summary>The project and every project it references, directly or not, as full paths.</summary>
    private static HashSet<string> ProjectGraph(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var path))
        {
            if (!seen.Add(path))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(path).Descendants("ProjectReference"))
            {
                var include = ((string)reference.Attribute("Include")!).Replace('\\', Path.DirectorySeparatorChar);
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, include)));
            }
        }

        return seen;
    }

    [GeneratedRegex(@"(?:^|[\s;&|])(?:bash\s+|\./)?(?<script>build/publish\.sh)\s+(?<out>""[^""]+""|\S+)")]
    private static partial Regex PublishInvocation();
}
