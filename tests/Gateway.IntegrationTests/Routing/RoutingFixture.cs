using Gateway.Cli;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Routing;

/// <summary>A router artefact trained (with the gateway's own <c>router train</c> verb) on a two-task data set.</summary>
public sealed class RoutingFixture : IAsyncLifetime
{
    public string ArtifactDirectory { get; private set; } = null!;

    private string _root = null!;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("gateway-router-").FullName;
        var data = Path.Combine(_root, "data");
        ArtifactDirectory = Path.Combine(_root, "router");
        RoutingDataset.Write(data);
        var exit = await GatewayCli.InvokeAsync(["router", "train", "--data", data, "--out", ArtifactDirectory, "--encoder", "hashing", "--ensemble", "1", "--epochs", "15"]);
        Assert.Equal(0, exit);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }
}
