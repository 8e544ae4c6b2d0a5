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

        Assert.Equal(10, a.Requests.Count + b.Requests.Count);
        Assert.InRange(a.Requests.Count, 3, 7);
        Assert.InRange(b.Requests.Count, 3, 7);
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
