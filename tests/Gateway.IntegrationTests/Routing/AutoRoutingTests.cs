using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Configuration;
using Gateway.Host.Routing;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Routing;

public sealed class AutoRoutingTests : IClassFixture<RoutingFixture>, IAsyncLifetime
{
    private readonly RoutingFixture _fixture;
    private FakeUpstream _math = null!;
    private FakeUpstream _word = null!;
    private GatewayTestHost _gateway = null!;

    public AutoRoutingTests(RoutingFixture fixture) => _fixture = fixture;

    public async Task InitializeAsync()
    {
        _math = await FakeUpstream.StartAsync("math-upstream");
        _word = await FakeUpstream.StartAsync("word-upstream");
        _gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:mathbot:BaseUrl"] = _math.BaseUrl.ToString(),
            ["Gateway:Models:mathbot:InputPricePerMTok"] = "0.1",
            ["Gateway:Models:wordbot:BaseUrl"] = _word.BaseUrl.ToString(),
            ["Gateway:Models:wordbot:InputPricePerMTok"] = "5",
            ["Gateway:Routing:ArtifactDirectory"] = _fixture.ArtifactDirectory,
            ["Gateway:Routing:Profiles:cheap:Cost"] = "50",
        }, configFiles: new Dictionary<string, string> { ["routing.json"] = "{}" });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _math.DisposeAsync();
        await _word.DisposeAsync();
    }

    private async Task<HttpResponseMessage> ChatAsync(string model, string prompt, string extra = "", string? routeHeader = null)
    {
        using var client = _gateway.CreateClient();
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        }.ToJsonString();
        if (extra.Length > 0)
        {
            body = body.TrimEnd('}') + "," + extra + "}";
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (routeHeader is not null)
        {
            request.Headers.Add("x-gateway-route", routeHeader);
        }

        var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    private static string Routed(HttpResponseMessage response) => response.Headers.GetValues("x-gateway-model").Single();

    [Fact]
    public async Task Auto_PromptsOfDifferentKinds_GoToDifferentModels()
    {
        using var arithmetic = await ChatAsync("auto", RoutingDataset.ArithmeticPrompt(1001));
        using var strings = await ChatAsync("auto", RoutingDataset.StringPrompt(1003));

        Assert.Equal("mathbot", Routed(arithmetic));
        Assert.Equal("wordbot", Routed(strings));
        Assert.True(double.TryParse(arithmetic.Headers.GetValues("x-gateway-route-score").Single(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal("mathbot", _math.LastRequest.Json!["model"]!.GetValue<string>());
        Assert.Equal("Hello from word-upstream as wordbot", JsonNode.Parse(await strings.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auto_CheapProfile_PrefersCheapModelEvenForStrings()
    {
        using var response = await ChatAsync("auto:cheap", RoutingDataset.StringPrompt(1003));

        Assert.Equal("mathbot", Routed(response));
        Assert.Equal("cheap", response.Headers.GetValues("x-gateway-route-profile").Single());
    }

    [Fact]
    public async Task Auto_BodyRouteOverride_IsAppliedAndNotForwarded()
    {
        using var response = await ChatAsync("auto", RoutingDataset.ArithmeticPrompt(1001), "\"route\":{\"deny\":[\"mathbot\"],\"explain\":true}");

        Assert.Equal("wordbot", Routed(response));
        Assert.Contains("mathbot rejected=denied", response.Headers.GetValues("x-gateway-route-explain").Single(), StringComparison.Ordinal);
        Assert.Null(_word.LastRequest.Json!["route"]);
        Assert.NotNull(_word.LastRequest.Json!["messages"]);
    }

    [Fact]
    public async Task Auto_HeaderRouteOverride_IsApplied()
    {
        using var response = await ChatAsync("auto", RoutingDataset.StringPrompt(1003), routeHeader: """{"allow":["mathbot"]}""");

        Assert.Equal("mathbot", Routed(response));
    }

    [Fact]
    public async Task RouteEndpoint_DryRun_ReturnsRankedCandidatesAndParetoFront()
    {
        using var client = _gateway.CreateClient();

        using var response = await client.PostAsync("/v1/route", new StringContent(
            new JsonObject { ["prompt"] = RoutingDataset.StringPrompt(1005), ["pareto"] = true }.ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("wordbot", json["model"]!.GetValue<string>());
        var candidates = json["candidates"]!.AsArray();
        Assert.Equal(2, candidates.Count);
        Assert.True(candidates[0]!["predicted_quality"]!.GetValue<double>() > candidates[1]!["predicted_quality"]!.GetValue<double>());
        Assert.NotNull(candidates[0]!["cost_terms"]!["cost"]);
        var pareto = json["pareto"]!.AsArray();
        Assert.Contains(pareto, p => p!["model"]!.GetValue<string>() == "mathbot");
        Assert.Contains(pareto, p => p!["model"]!.GetValue<string>() == "wordbot");
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    public async Task RouteEndpoint_ParetoNotABoolean_Returns400(string value)
    {
        using var client = _gateway.CreateClient();

        using var response = await client.PostAsync("/v1/route", new StringContent(
            $$"""{"prompt":"two plus two","pareto":{{value}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("pareto", error["param"]!.GetValue<string>());
        Assert.Equal("invalid_type", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auto_ConfigReload_ChangesDecision()
    {
        Assert.Equal("mathbot", Routed(await ChatAsync("auto", RoutingDataset.ArithmeticPrompt(1001))));
        // Raised after the router's own handler: once it is, the change is in force.
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gateway.Services.GetRequiredService<ReloadingSnapshot<RoutingSnapshot>>().Changed += _ => reloaded.TrySetResult();

        await _gateway.WriteConfigFileAsync("routing.json", """{"Gateway":{"Routing":{"Profiles":{"default":{"Deny":["mathbot"]}}}}}""");
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("wordbot", Routed(await ChatAsync("auto", RoutingDataset.ArithmeticPrompt(1001))));
    }

    [Fact]
    public async Task Feedback_RoutedRequestsRecordedByDefault_ExplicitOnesNot()
    {
        using var routed = await ChatAsync("auto", RoutingDataset.ArithmeticPrompt(1001));
        using var plain = await ChatAsync("mathbot", RoutingDataset.ArithmeticPrompt(1001));
        using var client = _gateway.CreateClient();

        using var routedScore = await client.PostAsync("/v1/feedback", new StringContent(
            $$"""{"request_id":"{{routed.Headers.GetValues("x-request-id").Single()}}","score":1}"""));
        using var plainScore = await client.PostAsync("/v1/feedback", new StringContent(
            $$"""{"request_id":"{{plain.Headers.GetValues("x-request-id").Single()}}","score":1}"""));

        Assert.Equal(HttpStatusCode.OK, routedScore.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, plainScore.StatusCode);
    }

    [Fact]
    public async Task Auto_Embeddings_Rejected()
    {
        using var client = _gateway.CreateClient();

        using var response = await client.PostAsync("/v1/embeddings", new StringContent("""{"model":"auto","input":"x"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Auto_UnknownProfile_Returns404()
    {
        using var client = _gateway.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"auto:nope","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Models_ListIncludesRoutingProfiles_AndEachCanBeRetrieved()
    {
        using var client = _gateway.CreateClient();

        var ids = JsonNode.Parse(await client.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToArray();

        Assert.Contains("auto", ids);
        Assert.Contains("auto:cheap", ids);
        foreach (var id in new[] { "auto", "auto:cheap" })
        {
            var one = JsonNode.Parse(await client.GetStringAsync($"/v1/models/{id}"))!;
            Assert.Equal((id, "gateway-router"), (one["id"]!.GetValue<string>(), one["owned_by"]!.GetValue<string>()));
        }
        using var unknown = await client.GetAsync("/v1/models/auto:no-such-profile");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
