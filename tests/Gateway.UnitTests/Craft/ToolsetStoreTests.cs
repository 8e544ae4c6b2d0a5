using System.Text.Json.Nodes;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Toolsets;
using Gateway.Craft.Verification;

namespace Gateway.UnitTests.Craft;

/// <summary>Toolsets as files: versions, round trips, archives, and the shipped toolsets.</summary>
public sealed class ToolsetStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("craft-toolsets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("text")]
    [InlineData("math")]
    public async Task ShippedToolset_EveryToolPassesItsExampleInTheSandbox(string name)
    {
        var toolset = await CraftFixtures.ShippedAsync(name);
        using var sandbox = new JsSandbox();
        var verifier = new ToolVerifier(sandbox);

        Assert.True(toolset.Tools.Count >= 5);
        foreach (var tool in toolset.Tools)
        {
            var verification = await verifier.VerifyExampleAsync(tool);
            Assert.True(verification.Passed, $"{tool.Name}: {verification.Reason}");
            Assert.False(string.IsNullOrWhiteSpace(tool.SourceProblem));
            Assert.NotNull(tool.Parameters);
        }
    }

    [Fact]
    public async Task Save_Twice_RaisesTheVersionAndDropsToolsNoLongerListed()
    {
        var store = new FileToolsetStore(_root);

        var first = await store.SaveAsync(Toolset.Create("demo", [Tool("alpha"), Tool("beta")], "first"));
        var second = await store.SaveAsync(Toolset.Create("demo", [Tool("alpha")], "second"));

        Assert.Equal((1, 2), (first.Version, second.Version));
        var read = await store.GetAsync("demo");
        Assert.Equal(2, read!.Version);
        Assert.Equal("second", read.Manifest.Description);
        Assert.Equal(["alpha"], read.Tools.Select(t => t.Name));
        Assert.False(File.Exists(Path.Combine(_root, "demo", "beta.json")));
        Assert.Equal(["demo"], await store.ListAsync());
        Assert.Equal(Tool("alpha").Code, read.Tools[0].Code);
        Assert.True(JsonNode.DeepEquals(Tool("alpha").Example.Arguments, read.Tools[0].Example.Arguments));
    }

    [Fact]
    public async Task Get_ManifestListsAMissingTool_FailsNamingTheFile()
    {
        var store = new FileToolsetStore(_root);
        await store.SaveAsync(Toolset.Create("demo", [Tool("alpha")]));
        File.Delete(Path.Combine(_root, "demo", "alpha.json"));

        var error = await Assert.ThrowsAsync<ToolsetFormatException>(() => store.GetAsync("demo"));

        Assert.Contains("alpha.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task Get_InvalidName_IsNotFoundAndNeverLeavesTheRoot(string name)
    {
        Assert.Null(await new FileToolsetStore(_root).GetAsync(name));
    }

    [Fact]
    public async Task Save_InvalidToolName_Refused()
    {
        var store = new FileToolsetStore(_root);

        await Assert.ThrowsAsync<ToolsetFormatException>(() => store.SaveAsync(Toolset.Create("demo", [Tool("alpha") with { Name = "../x" }])));
        await Assert.ThrowsAsync<ToolsetFormatException>(() => store.SaveAsync(Toolset.Create("demo", [Tool("alpha"), Tool("alpha")])));
    }

    [Fact]
    public async Task Archive_RoundTrip_KeepsEveryField()
    {
        var toolset = await CraftFixtures.ShippedAsync("text");

        var back = ToolsetArchive.Deserialize(ToolsetArchive.Serialize(toolset));

        Assert.Equal(toolset.Manifest.Version, back.Version);
        Assert.Equal(toolset.Tools.Count, back.Tools.Count);
        foreach (var (a, b) in toolset.Tools.Zip(back.Tools))
        {
            Assert.Equal((a.Name, a.Docstring, a.Code, a.SourceProblem, a.SourceId), (b.Name, b.Docstring, b.Code, b.SourceProblem, b.SourceId));
            Assert.True(JsonNode.DeepEquals(a.Parameters, b.Parameters));
            Assert.True(JsonNode.DeepEquals(a.Example.Result, b.Example.Result));
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"manifest":{"name":"x"}}""")]
    [InlineData("""{"manifest":{"name":"bad name"},"tools":[]}""")]
    public void Archive_Invalid_FormatException(string json)
    {
        Assert.Throws<ToolsetFormatException>(() => ToolsetArchive.Deserialize(json));
    }

    internal static CraftTool Tool(string name) => new()
    {
        Name = name,
        Docstring = $"The {name} tool.",
        Code = $"function {name}({{ x }}) {{ return x + 1; }}",
        Example = new ToolExample { Arguments = new JsonObject { ["x"] = 1 }, Result = 2 },
        SourceProblem = "What is 1 + 1?",
    };
}
