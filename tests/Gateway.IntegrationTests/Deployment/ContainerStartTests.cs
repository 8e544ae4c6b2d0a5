using System.Net;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>The gateway as the image starts it, with config from a ConfigMap-shaped directory.</summary>
public sealed class ContainerStartTests(ContainerFixture container) : IClassFixture<ContainerFixture>
{
    [Fact]
    public async Task EntryPoint_ContainerEnvironmentAndMountedConfig_ServesHealthAndChatCompletion()
    {
        using var client = container.CreateClient();
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        var answer = await ChatAsync(client, "model-a");
        Assert.Equal("Hello from upstream as served-model-a", answer);
        Assert.Equal("/v1/chat/completions", container.Upstream.LastRequest.Path);

        // The chart's default turns the development key off.
        using var dev = container.CreateClient(GatewayTestHost.DevelopmentKey);
        using var refused = await dev.PostAsync("/v1/chat/completions", Chat("model-a"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task EntryPoint_ConfigMapDataSwapped_ReloadsWithoutRestart()
    {
        using var client = container.CreateClient();
        container.Config.Update(new Dictionary<string, string> { ["gateway.json"] = container.ConfigJson("model-a", "model-b") });

        // The kubelet swaps a link; only the polling watcher (the image's DOTNET_USE_POLLING_FILE_WATCHER) sees it, and
        // the gateway says so once the new catalog is in force.
        try
        {
            await container.GatewayProcess.WhenOutputAsync("Configuration 'Gateway:Models' reloaded").WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail("model-b never appeared. Output:\n" + container.GatewayProcess.Output);
        }

        using var models = await client.GetAsync("/v1/models/model-b");
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal("Hello from upstream as served-model-b", await ChatAsync(client, "model-b"));
        Assert.False(container.GatewayProcess.HasExited);
    }

    [Fact]
    public async Task HealthcheckVerb_GatewayServingOrNot_ExitsZeroOrNonZero()
    {
        var (serving, output) = await ContainerProcess.RunAsync(container.Environment, TimeSpan.FromSeconds(20), "healthcheck");
        Assert.True(serving == 0, output);

        var closed = new Dictionary<string, string>(container.Environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
        };
        var (notServing, _) = await ContainerProcess.RunAsync(closed, TimeSpan.FromSeconds(20), "healthcheck");
        Assert.NotEqual(0, notServing);
    }

    private static StringContent Chat(string model) =>
        new($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""");

    private static async Task<string> ChatAsync(HttpClient client, string model)
    {
        using var response = await client.PostAsync("/v1/chat/completions", Chat(model));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }
}
