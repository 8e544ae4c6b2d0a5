using Gateway.State;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>The entry point's verbs other than serving, run as the container runs them.</summary>
public sealed class EntryPointVerbTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EntryPoint_GatewayCliVerb_RunsTheGatewayExecutable()
    {
        // `docker run IMAGE keys hash --key K`
        var (exitCode, output) = await ContainerProcess.RunAsync(ContainerProcess.Environment(), Timeout, "keys", "hash", "--key", "sk-test");
        Assert.True(exitCode == 0, output);
        Assert.Contains("sha256:" + KeyHasher.Hash("sk-test"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntryPoint_ModelServerVerbWithoutModel_RunsTheModelServerNotTheGateway()
    {
        // The gateway would start serving; the model server refuses to start without a model and says so.
        var env = ContainerProcess.Environment(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
        });
        var (exitCode, output) = await ContainerProcess.RunAsync(env, Timeout, "modelserver");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("modelserver", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Gateway listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntryPoint_ToolsetVerifyVerb_RunsTheToolsInTheSandboxWorkerBesideTheGateway()
    {
        // `docker run IMAGE toolset verify text --toolsets DIR`: every example runs in a worker process, which the
        // gateway finds in its own folder (the image's /app, here the test's build output standing in for it).
        var (exitCode, output) = await ContainerProcess.RunAsync(
            ContainerProcess.Environment(), Timeout, "toolset", "verify", "text", "--toolsets", Repository.PathOf("config/toolsets"));
        Assert.True(exitCode == 0, output);
        Assert.Contains("tools of text pass their examples", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(ContainerProcess.AppDirectory, "Gateway.Craft.Worker.runtimeconfig.json")));
    }
}
