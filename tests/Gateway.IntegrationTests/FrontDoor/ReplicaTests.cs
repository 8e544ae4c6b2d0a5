using System.Net;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.FrontDoor;

public sealed class ReplicaTests
{
    [Fact]
    public async Task Chat_ModelWithTwoBaseUrls_LoadBalancesOverBoth()
    {
        await using var a = await FakeUpstream.StartAsync("a");
        await using var b = await FakeUpstream.StartAsync("b");
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:pair:BaseUrls:0"] = a.BaseUrl.ToString(),
            ["Gateway:Models:pair:BaseUrls:1"] = b.BaseUrl.ToString(),
            ["Gateway:Models:pair:LoadBalancing"] = "RoundRobin",
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"pair","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, a.Requests.Count);
        Assert.Equal(5, b.Requests.Count);
    }

    [Fact]
    public async Task Chat_ActiveHealthCheckFails_ReplicaLeavesRotation()
    {
        await using var sick = await FakeUpstream.StartAsync("sick");
        await using var well = await FakeUpstream.StartAsync("well");
        sick.Handler = context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:pair:BaseUrls:0"] = sick.BaseUrl.ToString(),
            ["Gateway:Models:pair:BaseUrls:1"] = well.BaseUrl.ToString(),
            ["Gateway:Models:pair:LoadBalancing"] = "RoundRobin",
            ["Gateway:Models:pair:HealthCheck:Active"] = "true",
            ["Gateway:Models:pair:HealthCheck:ActiveInterval"] = "00:00:00.200",
        });
        using var client = gateway.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sick.Requests.Count(r => r.Path == "/v1/models") < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the replica was never probed");
            await Task.Delay(100);
        }

        var probesBefore = sick.Requests.Count;
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"pair","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(6, well.Requests.Count(r => r.Path == "/v1/chat/completions"));
        Assert.DoesNotContain(sick.Requests, r => r.Path == "/v1/chat/completions");
        Assert.True(sick.Requests.Count >= probesBefore);
    }

    [Fact]
    public async Task Start_InvalidCatalog_FailsWithClearMessage()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:broken:BaseUrl"] = "ftp://example",
        }));

        Assert.Contains("Gateway:Models:broken", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("not an absolute http(s) URL", ex.ToString(), StringComparison.Ordinal);
    }
}
