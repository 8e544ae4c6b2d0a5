using System.Net;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.Routing;

public sealed class RouterFallbackTests
{
    [Fact]
    public async Task Auto_ArtifactMissing_UsesConfiguredDefaultModel()
    {
        await using var upstream = await FakeUpstream.StartAsync("default-upstream");
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:plain:BaseUrl"] = upstream.BaseUrl.ToString(),
            ["Gateway:Routing:ArtifactDirectory"] = Path.Combine(Path.GetTempPath(), "no-such-router-" + Guid.NewGuid()),
            ["Gateway:Routing:DefaultModel"] = "plain",
        });
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"auto","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("plain", response.Headers.GetValues("x-gateway-model").Single());
    }

    [Fact]
    public async Task Auto_CorruptArtifactAndNoDefault_Returns503()
    {
        var directory = Directory.CreateTempSubdirectory("corrupt-router-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "router.json"), "{ not json");
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Routing:ArtifactDirectory"] = directory,
            ["Gateway:Routing:DefaultModel"] = "",
        });
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"auto","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("router_unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
