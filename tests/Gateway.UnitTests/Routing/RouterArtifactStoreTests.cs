using System.Text.Json.Nodes;
using Gateway.Routing;
using Gateway.Routing.Artifacts;

namespace Gateway.UnitTests.Routing;

public sealed class RouterArtifactStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gw-router-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Load_SavedArtifact_RoundTrips()
    {
        var artifact = RouterTestKit.Artifact(("a", 0.25f), ("b", 0.75f));
        RouterArtifactStore.Save(_dir, artifact);

        var loaded = RouterArtifactStore.Load(_dir);

        Assert.Equal(artifact.EncoderId, loaded.EncoderId);
        Assert.Equal(artifact.Tasks, loaded.Tasks);
        Assert.Equal(artifact.Weights.Bilinear, loaded.Weights.Bilinear);
        Assert.Equal([0.75f, 0.75f], loaded.Capabilities["b"]);
    }

    [Fact]
    public void Load_MissingDirectory_Throws() =>
        Assert.Contains("router.json is missing", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);

    [Fact]
    public void Load_CorruptWeights_ThrowsChecksumError()
    {
        RouterArtifactStore.Save(_dir, RouterTestKit.Artifact(("a", 0.5f)));
        var weights = Path.Combine(_dir, RouterArtifactStore.WeightsFileName);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);

        Assert.Contains("checksum", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);
    }

    [Fact]
    public void Load_InvalidJson_Throws()
    {
        RouterArtifactStore.Save(_dir, RouterTestKit.Artifact(("a", 0.5f)));
        File.WriteAllText(Path.Combine(_dir, RouterArtifactStore.ManifestFileName), "{ not json");

        Assert.Contains("not valid JSON", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);
    }

    [Theory]
    [InlineData("formatVersion", 2, "format version 2")]
    [InlineData("format", "something-else", "not a router manifest")]
    public void Load_MismatchedManifest_Throws(string field, object value, string expected)
    {
        RouterArtifactStore.Save(_dir, RouterTestKit.Artifact(("a", 0.5f)));
        Edit(json => json[field] = JsonValue.Create(value));

        Assert.Contains(expected, Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);
    }

    [Fact]
    public void Load_CapabilityWithWrongTaskCount_Throws()
    {
        RouterArtifactStore.Save(_dir, RouterTestKit.Artifact(("a", 0.5f)));
        Edit(json => json["capabilities"]!["a"] = new JsonArray(0.5));

        Assert.Contains("capability vector of 'a'", Assert.Throws<RouterArtifactException>(() => RouterArtifactStore.Load(_dir)).Message);
    }

    [Fact]
    public void RouterFactoryLoad_OtherEncoder_Throws()
    {
        RouterArtifactStore.Save(_dir, RouterTestKit.Artifact(("a", 0.5f)));

        var ex = Assert.Throws<RouterArtifactException>(() => RouterFactory.Load(_dir, [new("a")], new HashingPromptEncoder(64)));

        Assert.Contains("trained with encoder", ex.Message);
    }

    [Fact]
    public void RouterFactoryLoad_MatchingEncoder_Routes()
    {
        RouterArtifactStore.Save(_dir, RouterTestKit.Artifact(("a", 0.4f), ("b", 0.6f)));

        var router = RouterFactory.Load(_dir, [new("a"), new("b")], new HashingPromptEncoder(RouterTestKit.Dimension));

        Assert.Equal("b", router.Route(new RouteRequest("hello")).Best?.Name);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private void Edit(Action<JsonNode> edit)
    {
        var path = Path.Combine(_dir, RouterArtifactStore.ManifestFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
