using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Cli;
using Gateway.Craft.Toolsets;
using Gateway.IntegrationTests.Routing;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Craft;

/// <summary>The <c>toolset</c> verbs of the gateway executable, run in-process on a copy of the shipped toolsets.</summary>
[Collection(CliVerbCollection.Name)]
public sealed class ToolsetVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("craft-verbs-").FullName;
    private readonly string _toolsets;

    public ToolsetVerbTests()
    {
        _toolsets = Path.Combine(_dir, "toolsets");
        foreach (var file in Directory.EnumerateFiles(Repository.PathOf("config/toolsets"), "*.json", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_toolsets, Path.GetRelativePath(Repository.PathOf("config/toolsets"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("toolset")]
    [InlineData("toolset create")]
    [InlineData("toolset list")]
    [InlineData("toolset show")]
    [InlineData("toolset search")]
    [InlineData("toolset verify")]
    [InlineData("toolset import")]
    [InlineData("toolset export")]
    public async Task Help_EveryVerb_ExitsZero(string verb)
    {
        Assert.Equal(0, await GatewayCli.InvokeAsync([.. verb.Split(' '), "--help"]));
    }

    [Fact]
    public async Task ListShowSearchVerify_ShippedToolsets_ExitZero()
    {
        Assert.Equal(0, await Run("toolset", "list"));
        Assert.Equal(0, await Run("toolset", "show", "text"));
        Assert.Equal(0, await Run("toolset", "show", "math", "--tool", "gcd"));
        Assert.Equal(0, await Run("toolset", "search", "math", "divisor of two numbers"));
        Assert.Equal(0, await Run("toolset", "verify", "text"));
        Assert.Equal(0, await Run("toolset", "verify", "math"));
        Assert.Equal(1, await Run("toolset", "show", "nope"));
        Assert.Equal(1, await Run("toolset", "show", "math", "--tool", "nope"));
    }

    [Fact]
    public async Task ExportImport_UnderAnotherName_StoresAVerifiedCopy()
    {
        var archive = Path.Combine(_dir, "text.json");

        Assert.Equal(0, await Run("toolset", "export", "text", archive));
        Assert.Equal(0, await Run("toolset", "import", archive, "--name", "words"));
        Assert.Equal(0, await Run("toolset", "import", archive, "--name", "words"));

        var words = await new FileToolsetStore(_toolsets).GetAsync("words");
        Assert.Equal(2, words!.Version);
        Assert.Equal((await new FileToolsetStore(_toolsets).GetAsync("text"))!.Tools.Select(t => t.Name), words.Tools.Select(t => t.Name));
    }

    [Fact]
    public async Task Import_ToolFailsItsExample_NothingStored()
    {
        var archive = Path.Combine(_dir, "broken.json");
        Assert.Equal(0, await Run("toolset", "export", "math", archive));
        var json = JsonNode.Parse(await File.ReadAllTextAsync(archive))!;
        json["manifest"]!["name"] = "broken";
        json["tools"]![0]!["code"] = "function factorial({ n }) { while (true) {} }";
        await File.WriteAllTextAsync(archive, json.ToJsonString());

        Assert.Equal(1, await Run("toolset", "import", archive));

        Assert.Null(await new FileToolsetStore(_toolsets).GetAsync("broken"));
    }

    [Fact]
    public async Task Create_GatewayUnreachable_EveryProblemRejectedAsAModelErrorAndNothingStored()
    {
        var data = Path.Combine(_dir, "problems.jsonl");
        await File.WriteAllLinesAsync(data, ["""{"id":"a","problem":"What is 2 + 2?","answer":4}""", """{"id":"b","problem":"Reverse 'ab'.","answer":"ba"}"""]);
        var report = Path.Combine(_dir, "report.json");

        var exit = await Run("toolset", "create", "--name", "unreachable", "--data", data, "--gateway", "http://127.0.0.1:1", "--report", report, "--timeout", "5");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        Assert.Equal(2, json.RootElement.GetProperty("sampled").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("kept").GetInt32());
        Assert.All(json.RootElement.GetProperty("rejects").EnumerateArray(), r => Assert.Equal("llm_error", r.GetProperty("kind").GetString()));
        Assert.False(Directory.Exists(Path.Combine(_toolsets, "unreachable")));
    }

    [Fact]
    public async Task Create_BadDataOrName_ExitsWithAnError()
    {
        var data = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllTextAsync(data, "{\"problem\": 3}\n");

        Assert.Equal(2, await Run("toolset", "create", "--name", "x", "--data", data));
        Assert.NotEqual(0, await Run("toolset", "create", "--name", "../x", "--data", data));
    }

    private Task<int> Run(params string[] args) => GatewayCli.InvokeAsync([.. args, "--toolsets", _toolsets]);
}
