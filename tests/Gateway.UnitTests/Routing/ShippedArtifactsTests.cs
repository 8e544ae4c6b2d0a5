using Gateway.Routing.Artifacts;
using Gateway.TestUtilities;

namespace Gateway.UnitTests.Routing;

public sealed class ShippedArtifactsTests
{
    [Theory]
    [InlineData("llmrouter-9", 9, 14)]
    [InlineData("llmrouter-9-minilm", 9, 14)]
    [InlineData("routellm-2", 2, 2)]
    [InlineData("routellm-2-minilm", 2, 2)]
    [InlineData("pool", 6, 4)]
    public void Load_ShippedArtifact_IsValid(string name, int models, int tasks)
    {
        var artifact = RouterArtifactStore.Load(Repository.PathOf("config/router/" + name));

        Assert.Equal(models, artifact.Capabilities.Count);
        Assert.Equal(tasks, artifact.Tasks.Count);
    }
}
