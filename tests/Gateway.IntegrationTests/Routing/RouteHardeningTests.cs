using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.Routing;

/// <summary>The router's surfaces against a caller with a limited key: limits, what it may learn, what it may cost.</summary>
public sealed class RouteHardeningTests(RoutingFixture fixture) : IClassFixture<RoutingFixture>, IAsyncLifetime
{
    private const string LimitedKey = "sk-route-limited";
    private const string MathOnlyKey = "sk-route-math-only";
    private FakeUpstream _math = null!;
    private FakeUpstream _word = null!;
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _math = await FakeUpstream.StartAsync("math-upstream");
        _word = await FakeUpstream.StartAsync("word-upstream");
        _gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:mathbot:BaseUrl"] = _math.BaseUrl.ToString(),
            ["Gateway:Models:wordbot:BaseUrl"] = _word.BaseUrl.ToString(),
            // A context the long prompt below does not fit: rejecting it must not name it to a key that may not use it.
            ["Gateway:Models:wordbot:ContextLength"] = "1000",
            ["Gateway:Routing:ArtifactDirectory"] = fixture.ArtifactDirectory,
            ["Gateway:Keys:limited:Hash"] = Hash(LimitedKey),
            ["Gateway:Keys:limited:RequestsPerMinute"] = "2",
            ["Gateway:Keys:math-only:Hash"] = Hash(MathOnlyKey),
            ["Gateway:Keys:math-only:Models:0"] = "mathbot",
        },
        // Request limits count per calendar minute: on a fixed clock a test never straddles two.
        configure: builder => builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TimerAwareTimeProvider.DefaultStart)));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _math.DisposeAsync();
        await _word.DisposeAsync();
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static StringContent Route(string prompt, string extra = "") =>
        new(new JsonObject { ["prompt"] = prompt }.ToJsonString().TrimEnd('}') + extra + "}", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Route_PastTheKeysRequestLimit_Is429()
    {
        using var client = _gateway.CreateClient(LimitedKey);

        using var first = await client.PostAsync("/v1/route", Route(RoutingDataset.ArithmeticPrompt(1)));
        using var second = await client.PostAsync("/v1/route", Route(RoutingDataset.ArithmeticPrompt(2)));
        using var third = await client.PostAsync("/v1/route", Route(RoutingDataset.ArithmeticPrompt(3)));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("0", third.Headers.GetValues("x-ratelimit-remaining-requests").Single());
    }

    [Fact]
    public async Task Route_ModelsTheKeyMayNotUse_AreNotNamed()
    {
        using var client = _gateway.CreateClient(MathOnlyKey);
        var prompt = string.Join(' ', Enumerable.Repeat(RoutingDataset.StringPrompt(1), 200));

        using var route = await client.PostAsync("/v1/route", Route(prompt));
        var body = await route.Content.ReadAsStringAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(new JsonObject
            {
                ["model"] = "auto",
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
                ["route"] = new JsonObject { ["explain"] = true },
            }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var chat = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, route.StatusCode);
        Assert.Equal("mathbot", JsonNode.Parse(body)!["model"]!.GetValue<string>());
        Assert.DoesNotContain("wordbot", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.DoesNotContain("wordbot", chat.Headers.GetValues("x-gateway-route-explain").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_PromptLongerThanTheRouterReads_StillPricedAtItsWholeLength()
    {
        using var client = _gateway.CreateClient(MathOnlyKey);
        // 400,000 characters; the router reads the first 32,768 of them.
        var prompt = new string('7', 400_000);

        using var route = await client.PostAsync("/v1/route", Route(prompt));

        Assert.Equal(HttpStatusCode.OK, route.StatusCode);
        Assert.Equal(100_000, JsonNode.Parse(await route.Content.ReadAsStringAsync())!["prompt_tokens"]!.GetValue<int>());
    }
}
