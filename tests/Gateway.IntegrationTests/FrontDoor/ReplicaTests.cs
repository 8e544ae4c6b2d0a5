using System.Net;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.FrontDoor;

public sealed class ReplicaTests
{
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(30);

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
        var time = new TimerAwareTimeProvider();
        var interval = TimeSpan.FromSeconds(15);
        await using var sick = await FakeUpstream.StartAsync("sick");
        await using var well = await FakeUpstream.StartAsync("well");
        var probes = 0;
        var thirdProbe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sick.Handler = context =>
        {
            if (context.Request.Path == "/v1/models" && Interlocked.Increment(ref probes) == 3)
            {
                thirdProbe.TrySetResult();
            }

            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:pair:BaseUrls:0"] = sick.BaseUrl.ToString(),
            ["Gateway:Models:pair:BaseUrls:1"] = well.BaseUrl.ToString(),
            ["Gateway:Models:pair:LoadBalancing"] = "RoundRobin",
            ["Gateway:Models:pair:HealthCheck:Active"] = "true",
            ["Gateway:Models:pair:HealthCheck:ActiveInterval"] = "00:00:15",
        }, configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var client = gateway.CreateClient();

        // Each round of probes is due an interval after the last one finished; a third probe means two have failed.
        while (!thirdProbe.Task.IsCompleted)
        {
            await Task.WhenAny(time.WhenTimerArmedAsync(interval), thirdProbe.Task).WaitAsync(Backstop);
            if (!thirdProbe.Task.IsCompleted)
            {
                time.Advance(interval);
            }
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
