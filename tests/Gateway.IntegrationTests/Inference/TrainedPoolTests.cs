using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Routing.Aptitude;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// The embedded default's pool as committed: <c>config/pool.json</c>'s trained GGUFs served by real ModelServer
/// processes, and <c>model: "auto"</c> routed by the <c>config/router/pool</c> artefact. The local models start on
/// their first routed request.
/// </summary>
public sealed class TrainedPoolTests : IAsyncLifetime
{
    private static readonly string[] Families = ["reverse_word", "remove_vowels", "first_chars", "last_chars"];
    private GatewayTestHost _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayTestHost.StartAsync(
            new Dictionary<string, string?> { ["Gateway:Routing:ArtifactDirectory"] = Repository.PathOf("config/router/pool") },
            new Dictionary<string, string> { ["pool.json"] = Repository.PoolJson() });
        _http = _gateway.CreateClient();
        _http.Timeout = TimeSpan.FromMinutes(2);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Auto_StringPrompts_GoToTheModelTrainedForThemAndAnswerRight()
    {
        var (reverseModel, reverseAnswer) = await AskAsync("Reverse the letters of the word \"lantern\".\n\nReply with the final answer only, as one line of the form \"Answer: <answer>\".");
        var (lastModel, lastAnswer) = await AskAsync("What are the last 3 letters of \"umbrella\"?\n\nReply with the final answer only, as one line of the form \"Answer: <answer>\".");

        Assert.Equal("Answer: nretnal", reverseAnswer);
        Assert.NotEqual("affix", reverseModel);
        Assert.Equal("Answer: lla", lastAnswer);
        Assert.Equal("affix", lastModel);
    }

    [Fact]
    public async Task Auto_HeldOutItemsOfThePoolsFamilies_AtLeastNineInTenRight()
    {
        var items = AptitudeSuite.Create(seed: 77, itemsPerTask: 5).Where(t => Families.Contains(t.Name)).SelectMany(t => t.Items).ToArray();
        var scores = new List<double>();
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var (model, answer) = await AskAsync(item.Prompt);
            scores.Add(item.Score(answer));
            models.Add(model);
        }

        Assert.True(scores.Average() >= 0.9, $"model \"auto\" got {scores.Average():P0} of {items.Length} held-out items right.");
        Assert.Contains("affix", models);
        Assert.True(models.Count >= 2, "Every prompt went to one model.");
    }

    private async Task<(string Model, string Answer)> AskAsync(string prompt)
    {
        using var response = await _http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "auto",
            temperature = 0,
            max_tokens = 48,
            messages = new[] { new { role = "user", content = prompt } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var content = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        return (response.Headers.GetValues("x-gateway-model").Single(), content);
    }
}
