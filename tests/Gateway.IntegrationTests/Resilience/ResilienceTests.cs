using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Resilience;

/// <summary>A misbehaving upstream: retries, fallback, circuit breaking and clean ends of broken streams.</summary>
public sealed class ResilienceTests
{
    private const string Chat = """{"model":"MODEL","messages":[{"role":"user","content":"hi"}]}""";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string model, bool stream = false) =>
        client.PostAsync("/v1/chat/completions", new StringContent(
            stream ? Chat.Replace("MODEL", model, StringComparison.Ordinal).TrimEnd('}') + ",\"stream\":true}" : Chat.Replace("MODEL", model, StringComparison.Ordinal),
            Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Chat_UpstreamOverloadedOnce_RetriedHonouringRetryAfter()
    {
        await using var upstream = await FakeUpstream.StartAsync("flaky");
        var calls = 0;
        var original = upstream.Handler;
        upstream.Handler = context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            }

            upstream.Handler = null;
            return context.Response.WriteAsJsonAsync(new { id = "x", @object = "chat.completion", choices = new[] { new { index = 0, message = new { role = "assistant", content = "second try" }, finish_reason = "stop" } } });
        };
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?> { ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString() });
        using var client = gateway.CreateClient();
        var watch = Stopwatch.StartNew();

        using var response = await PostAsync(client, "m");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("second try", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, calls);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After was not honoured ({watch.Elapsed})");
    }

    [Fact]
    public async Task Chat_UpstreamResetsConnection_FallsBackToNextModelOnce()
    {
        await using var broken = await FakeUpstream.StartAsync("broken");
        await using var backup = await FakeUpstream.StartAsync("backup");
        broken.Handler = context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:main:BaseUrl"] = broken.BaseUrl.ToString(),
            ["Gateway:Models:main:Fallbacks:0"] = "spare",
            ["Gateway:Models:spare:BaseUrl"] = backup.BaseUrl.ToString(),
        });
        using var client = gateway.CreateClient();

        using var response = await PostAsync(client, "main");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("spare", response.Headers.GetValues("x-gateway-model").Single());
        Assert.Contains("Hello from backup as spare", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(backup.Requests);
        // A reset after the request was sent is not retried against the same upstream: it may have done the work.
        Assert.Single(broken.Requests);
    }

    [Fact]
    public async Task Chat_UpstreamKeepsFailing_CircuitOpensThenClosesAfterProbe()
    {
        await using var upstream = await FakeUpstream.StartAsync("sick");
        upstream.Handler = context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString(),
            ["Gateway:Models:m:MaxRetries"] = "0",
            ["Gateway:Models:m:CircuitBreaker:MinimumThroughput"] = "2",
            ["Gateway:Models:m:CircuitBreaker:BreakDuration"] = "00:00:01",
        });
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.BadGateway, (await PostAsync(client, "m")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await PostAsync(client, "m")).StatusCode);
        using var blocked = await PostAsync(client, "m");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
        Assert.Contains("upstream_unavailable", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, upstream.Requests.Count);

        upstream.Handler = null;
        await Task.Delay(TimeSpan.FromSeconds(1.3));
        using var probe = await PostAsync(client, "m");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "m")).StatusCode);
        Assert.Equal(4, upstream.Requests.Count);
    }

    [Fact]
    public async Task ChatStream_UpstreamHangsHalfway_ClientGetsErrorEventAndCleanEndWithoutRetry()
    {
        await using var upstream = await FakeUpstream.StartAsync("hang");
        await using var backup = await FakeUpstream.StartAsync("backup");
        upstream.StreamGate = new TaskCompletionSource();
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString(),
            ["Gateway:Models:m:Timeout"] = "00:00:00.500",
            ["Gateway:Models:m:Fallbacks:0"] = "spare",
            ["Gateway:Models:spare:BaseUrl"] = backup.BaseUrl.ToString(),
        });
        using var client = gateway.CreateClient();

        using var response = await PostAsync(client, "m", stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("Hello", events[0], StringComparison.Ordinal);
        var error = JsonNode.Parse(events[^1]["data: ".Length..])!["error"]!;
        Assert.Equal("upstream_stream_error", error["code"]!.GetValue<string>());
        Assert.Contains("no data for 0.5 s", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(upstream.Requests);
        Assert.Empty(backup.Requests);
    }

    [Fact]
    public async Task ChatStream_UsageNotRequested_CountedButNotShownToClient()
    {
        await using var upstream = await FakeUpstream.StartAsync("u");
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?> { ["Gateway:Models:usage-counted:BaseUrl"] = upstream.BaseUrl.ToString() });
        using var client = gateway.CreateClient();

        using var response = await PostAsync(client, "usage-counted", stream: true);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(upstream.LastRequest.Json!["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.DoesNotContain("\"usage\"", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        // The gateway counts usage once the client has its whole answer.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(await client.GetStringAsync("/metrics")).Contains("gateway_tokens_total{model=\"usage-counted\",direction=\"output\"} 4", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the streamed usage was not counted");
            await Task.Delay(50);
        }
    }
}
