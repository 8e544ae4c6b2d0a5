using System.Text.Json.Nodes;
using Gateway.Cli;
using Gateway.Routing.Aptitude;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Prediction;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Routing;

/// <summary>
/// CLI verbs with progress bars run in-process; Spectre.Console allows one live display at a time, so these
/// tests run apart from the other test classes (the router fixture trains with a progress bar too).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliVerbCollection
{
    public const string Name = "CLI verbs with progress bars";
}

/// <summary><c>aptitude run</c> and <c>router train --aptitude-results</c> against a real gateway and real upstreams.</summary>
[Collection(CliVerbCollection.Name)]
public sealed class AptitudeRunTests : IAsyncLifetime
{
    private const int Seed = 11;
    private static readonly Dictionary<string, AptitudeItem> ByPrompt =
        AptitudeSuite.Create(Seed, 4).SelectMany(t => t.Items).ToDictionary(i => i.Prompt);

    private FakeUpstream _math = null!;
    private FakeUpstream _words = null!;
    private GatewayTestHost _gateway = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("gateway-aptitude-").FullName;
        _math = await SolverAsync("math-upstream", task => task == "add");
        _words = await SolverAsync("words-upstream", task => AptitudeSuite.Families.Single(f => f.Name == task).Category == "strings");
        _gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:mathbot:BaseUrl"] = _math.BaseUrl.ToString(),
            ["Gateway:Models:wordbot:BaseUrl"] = _words.BaseUrl.ToString(),
            ["Gateway:Models:downbot:BaseUrl"] = "http://127.0.0.1:1/v1",
        });
    }

    [Fact]
    public async Task AptitudeRun_UpstreamRightOnOneFamily_WritesPerfectAccuracyForThatFamilyOnly()
    {
        var results = Path.Combine(_dir, "mathbot.json");
        var outcomes = Path.Combine(_dir, "mathbot.jsonl");

        var exit = await RunAsync("mathbot", "3", results, outcomes);

        Assert.Equal(0, exit);
        var file = AptitudeFile.Read(results);
        Assert.Equal("mathbot", file.Model);
        Assert.Equal(3, file.ItemsPerTask);
        Assert.Equal(AptitudeSuite.Families.Count, file.Tasks.Count);
        Assert.Equal(1.0, file.Tasks["add"]);
        Assert.All(file.Tasks.Where(t => t.Key != "add"), t => Assert.Equal(0.0, t.Value));
        var lines = File.ReadAllLines(outcomes).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(3 * AptitudeSuite.Families.Count, lines.Length);
        Assert.All(lines.Where(l => l["task"]!.GetValue<string>() == "add"), l => Assert.Equal(l["expected"]!.GetValue<string>(), l["answer"]!.GetValue<string>()));
        Assert.All(_math.Requests, r => Assert.Equal(0, r.Json!["temperature"]!.GetValue<int>()));
    }

    [Fact]
    public async Task AptitudeRun_Tasks_AsksOnlyThoseFamilies()
    {
        var results = Path.Combine(_dir, "subset.json");
        var outcomes = Path.Combine(_dir, "subset.jsonl");

        var exit = await GatewayCli.InvokeAsync(["aptitude", "run", "--model", "mathbot", "--gateway", _gateway.BaseAddress.ToString(), "--seed", $"{Seed}",
            "--items", "2", "--concurrency", "1", "--tasks", "add,reverse_word", "--out", results, "--outcomes", outcomes]);

        Assert.Equal(0, exit);
        Assert.Equal(["add", "reverse_word"], AptitudeFile.Read(results).Tasks.Keys.Order());
        Assert.Equal(4, File.ReadAllLines(outcomes).Length);
    }

    [Fact]
    public async Task RouterTrain_AptitudeResultsOfTwoModels_WritesALoadableRouter()
    {
        var runs = Path.Combine(_dir, "runs");
        Assert.Equal(0, await RunAsync("mathbot", "4", Path.Combine(_dir, "mathbot.json"), Path.Combine(runs, "mathbot.jsonl")));
        Assert.Equal(0, await RunAsync("wordbot", "4", Path.Combine(_dir, "wordbot.json"), Path.Combine(runs, "wordbot.jsonl")));
        var routerDir = Path.Combine(_dir, "router");

        var exit = await GatewayCli.InvokeAsync(["router", "train", "--aptitude-results", runs, "--out", routerDir, "--encoder", "hashing", "--ensemble", "1", "--epochs", "3"]);

        Assert.Equal(0, exit);
        var artifact = RouterArtifactStore.Load(routerDir);
        Assert.Equal(["mathbot", "wordbot"], artifact.Capabilities.Keys.Order());
        var reverse = artifact.Tasks.ToList().IndexOf("reverse_word");
        Assert.True(artifact.Capabilities["wordbot"][reverse] > artifact.Capabilities["mathbot"][reverse]);
        Assert.True(File.Exists(Path.Combine(routerDir, "data", "outcomes.jsonl")));
        Assert.Equal(0, await GatewayCli.InvokeAsync(["router", "eval", "--data", Path.Combine(routerDir, "data"), "--model", routerDir]));
    }

    [Fact]
    public async Task AptitudeRun_EveryCallFails_ExitsWithErrorAndWritesNothing()
    {
        var results = Path.Combine(_dir, "downbot.json");

        var exit = await RunAsync("downbot", "1", results, Path.Combine(_dir, "downbot.jsonl"));

        Assert.Equal(1, exit);
        Assert.False(File.Exists(results));
    }

    private Task<int> RunAsync(string model, string items, string results, string outcomes) =>
        GatewayCli.InvokeAsync(["aptitude", "run", "--model", model, "--gateway", _gateway.BaseAddress.ToString(), "--seed", $"{Seed}",
            "--items", items, "--concurrency", "1", "--out", results, "--outcomes", outcomes]);

    /// <summary>An upstream that answers items of the given tasks right and every other item wrong.</summary>
    private static async Task<FakeUpstream> SolverAsync(string name, Func<string, bool> solves)
    {
        var upstream = await FakeUpstream.StartAsync(name);

        // One request in flight at a time (the runs use --concurrency 1), so the last recorded chat request is this one.
        upstream.Handler = context =>
        {
            if (context.Request.Path != "/v1/chat/completions")
            {
                return context.Response.WriteAsJsonAsync(new { @object = "list", data = Array.Empty<object>() });
            }

            var request = upstream.Requests.Last(r => r.Path == "/v1/chat/completions");
            var item = ByPrompt[request.Json!["messages"]![0]!["content"]!.GetValue<string>()];
            var content = solves(item.Task) ? $"Let me see.\nAnswer: {item.Expected}" : "Answer: I am not sure.";
            return context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                created = 1,
                model = name,
                choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 50, completion_tokens = 5, total_tokens = 55 },
            });
        };
        return upstream;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _math.DisposeAsync();
        await _words.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
