using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Gateway.ConsoleTests;

/// <summary>The console's files and admin JSON over plain HTTP (no browser needed).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleEndpointsTests
{
    private readonly ConsoleFixture _fixture;

    public ConsoleEndpointsTests(ConsoleFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Ui_WithoutTrailingSlash_RedirectsToTheIndex()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _fixture.Gateway.BaseAddress };

        using var response = await client.GetAsync("/ui");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/ui/", "text/html", "<title>Gateway console</title>")]
    [InlineData("/ui/console.js", "text/javascript", "window.gatewayConsole")]
    [InlineData("/ui/console.css", "text/css", ".pareto-point")]
    public async Task Ui_Files_AreServedFromTheAssemblyWithoutAKey(string path, string contentType, string content)
    {
        using var client = _fixture.Gateway.CreateClient(apiKey: null);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var cached = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
    }

    [Fact]
    public async Task Ui_UnknownFile_IsAnOpenAIShaped404()
    {
        using var client = _fixture.Gateway.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/ui/secrets.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_url", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/admin/session")]
    [InlineData("/admin/overview")]
    public async Task AdminJson_WithoutAdminKey_IsRefused(string path)
    {
        using var anonymous = _fixture.Gateway.CreateClient(apiKey: null);
        using var viewer = _fixture.Gateway.CreateClient(_fixture.ViewerKey);

        using var missing = await anonymous.GetAsync(path);
        using var notAdmin = await viewer.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal("admin_required", JsonNode.Parse(await notAdmin.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Overview_AfterTraffic_CountsTheModelsRequestsAndTokensAndListsProfiles()
    {
        using var client = _fixture.Gateway.CreateClient(ConsoleFixture.AdminKey);
        using (var answer = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "wordbot", messages = new[] { new { role = "user", content = "hi" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var overview = JsonNode.Parse(await client.GetStringAsync("/admin/overview"))!;

        Assert.Equal("admin", overview["key"]!.GetValue<string>());
        Assert.True(overview["router"]!["loaded"]!.GetValue<bool>());
        var models = overview["models"]!.AsArray().ToDictionary(m => m!["id"]!.GetValue<string>());
        Assert.Equal(["mathbot", "tiny", "wordbot"], models.Keys.Order(StringComparer.Ordinal));
        var word = models["wordbot"]!;
        Assert.True(word["requests_per_minute"]!.GetValue<long>() >= 1);
        Assert.True(word["tokens_per_minute"]!.GetValue<long>() >= 9);
        Assert.Equal("healthy", word["health"]!.GetValue<string>());
        Assert.Equal("closed", word["circuit"]!.GetValue<string>());
        Assert.Equal("remote", word["state"]!.GetValue<string>());
        Assert.Equal(5, word["pricing"]!["input_per_mtok"]!.GetValue<decimal>());
        Assert.Equal("unloaded", models["tiny"]!["state"]!.GetValue<string>());
        Assert.Equal("idle", models["tiny"]!["health"]!.GetValue<string>());
        var cheap = overview["profiles"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "cheap")!;
        Assert.Equal("auto:cheap", cheap["model"]!.GetValue<string>());
        Assert.Equal(50, cheap["weights"]!["cost"]!.GetValue<double>());
        Assert.Equal("default", overview["profiles"]![0]!["name"]!.GetValue<string>());
    }
}
