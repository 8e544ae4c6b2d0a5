using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Routing.Aptitude;
using Gateway.TestUtilities;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.Agents;

/// <summary>
/// The agents as shipped, on the embedded default as committed: <c>appsettings.json</c>'s agents, tools and route
/// profiles, <c>config/pool.json</c>'s trained GGUFs (the agent role models among them) served by real ModelServer
/// processes, the <c>config/router/pool</c> artefact and the <c>math</c> and <c>text</c> toolsets. Held-out items of
/// the multi-hop tool families (a suite seed used neither for the training traces nor for the held-out scores of
/// training) go through the real front door.
/// </summary>
public sealed class EmbeddedAgentTests : IAsyncLifetime
{
    /// <summary>Neither the training traces' seed (1) nor the trainer's held-out seed (2).</summary>
    private const int HeldOutSeed = 31;
    private const int ItemsPerFamily = 4;
    private GatewayTestHost _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        // The shipped agents, tools and route profiles, as the embedded default reads them from appsettings.json.
        var shipped = JsonNode.Parse(Repository.Read("appsettings.json"))!["Gateway"]!;
        var agents = new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["Agents"] = shipped["Agents"]!.DeepClone(),
                ["Tools"] = shipped["Tools"]!.DeepClone(),
                ["Routing"] = new JsonObject { ["Profiles"] = shipped["Routing"]!["Profiles"]!.DeepClone() },
            },
        };
        _gateway = await GatewayTestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Gateway:Routing:ArtifactDirectory"] = Repository.PathOf("config/router/pool"),
                ["Gateway:Craft:ToolsetDirectory"] = Repository.PathOf("config/toolsets"),
            },
            new Dictionary<string, string> { ["pool.json"] = Repository.PoolJson(), ["agents.json"] = agents.ToJsonString() });
        _http = _gateway.CreateClient();
        _http.Timeout = TimeSpan.FromMinutes(3);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    /// <summary>
    /// The floors are what the shipped role models reach on these 36 items (ReWOO 11, UMi 7; greedy decoding, so the
    /// same every run) less a margin, a guard against regressions: the targets (90 % and 85 %) are not met yet, see
    /// docs/trained-models.md.
    /// </summary>
    [Theory]
    [InlineData("rewoo", 0.25)]
    [InlineData("umi", 0.15)]
    public async Task Run_HeldOutMultiHopItems_AnsweredRightAtLeastAsOftenAsTheShippedModelsDo(string agent, double floor)
    {
        var items = HeldOutItems();
        var right = new Dictionary<string, int>(StringComparer.Ordinal);
        var wrong = new List<string>();
        var roleModels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            using var response = await _http.PostAsJsonAsync($"/v1/agents/{agent}/runs", new { input = item.Prompt });
            var trace = await response.Content.ReadFromJsonAsync<JsonElement>();
            // A run the agent could not finish (a plan it could not use) is a wrong answer, not a broken gateway.
            Assert.True(response.StatusCode == HttpStatusCode.OK || trace.GetProperty("status").GetString() == "failed", trace.ToString());
            foreach (var role in trace.GetProperty("roles").EnumerateObject())
            {
                foreach (var model in role.Value.GetProperty("models").EnumerateArray())
                {
                    roleModels.Add($"{role.Name}={model.GetString()}");
                }
            }

            var answer = trace.TryGetProperty("answer", out var a) ? a.GetString() : null;
            if (item.Score(answer) >= 1)
            {
                right[item.Task] = right.GetValueOrDefault(item.Task) + 1;
            }
            else
            {
                wrong.Add($"{item.Task}: {item.Prompt.Split('\n')[0]} expected {item.Expected}, got {answer}");
            }
        }

        var rate = (double)right.Values.Sum() / items.Length;
        Assert.True(rate >= floor, $"agent:{agent} answered {rate:P0} of {items.Length} held-out items right (floor {floor:P0}); wrong:\n{string.Join("\n", wrong)}");
        // Every role reached its role model through routing (the role's route profile), never another pool model.
        Assert.All(roleModels, r => Assert.Contains(r, RoleModels));
    }

    [Theory]
    [InlineData("agent:rewoo")]
    [InlineData("agent:umi")]
    public async Task CompleteChat_OpenAISdk_StreamedAndNot_SameRightAnswer(string model)
    {
        var item = HeldOutItems().First(i => i.Task == "hop3_lcm_digits_prime");
        var client = _gateway.CreateOpenAIClient().GetChatClient(model);

        ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage(item.Prompt)]);
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(item.Prompt)]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(1, item.Score(whole.Content[0].Text));
        Assert.Equal(model, whole.Model);
        Assert.True(whole.Usage.TotalTokenCount > 0);
        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task Auto_PlainQuestion_NeverRoutedToAnAgentRoleModel()
    {
        using var response = await _http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "auto",
            max_tokens = 32,
            messages = new[] { new { role = "user", content = "Reverse the letters of the word \"lantern\".\n\nReply with the final answer only, as one line of the form \"Answer: <answer>\"." } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers.GetValues("x-gateway-model").Single(), AgentModels);
    }

    private static readonly string[] AgentModels = ["agent-planner", "agent-caller", "agent-solver"];

    private static readonly string[] RoleModels =
        ["planner=agent-planner", "caller=agent-caller", "actor=agent-caller", "solver=agent-solver", "summarizer=agent-solver"];

    private static AptitudeItem[] HeldOutItems() =>
        [.. AptitudeSuite.Create(HeldOutSeed, ItemsPerFamily).Where(t => t.Name.StartsWith("hop", StringComparison.Ordinal)).SelectMany(t => t.Items)];
}
