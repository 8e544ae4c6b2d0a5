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
    [InlineData("pool", 3, 4)]
    public void Load_ShippedArtifact_IsValid(string name, int models, int tasks)
    {
        var artifact = RouterArtifactStore.Load(Repository.PathOf("config/router/" + name));

        Assert.Equal(models, artifact.Capabilities.Count);
        Assert.Equal(tasks, artifact.Tasks.Count);
    }

    [Theory]
    [InlineData("llmrouter-9")]
    [InlineData("routellm-2")]
    public void Load_DefaultShippedArtifact_CarriesTheBlendOverItsModels(string name)
    {
        var artifact = RouterArtifactStore.Load(Repository.PathOf("config/router/" + name));

        Assert.NotNull(artifact.Blend);
        Assert.Equal(artifact.Capabilities.Keys.Order(StringComparer.Ordinal), artifact.Blend.Models.Order(StringComparer.Ordinal));
        Assert.Equal(artifact.Blend.NeighbourWeight > 0, artifact.Blend.Index is not null);
    }
}
