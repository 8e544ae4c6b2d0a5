using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Resilience;

/// <summary>A misbehaving upstream: retries, fallback, circuit breaking and clean ends of broken streams.</summary>
public sealed class ResilienceTests
{
    /// <summary>Only a backstop for a broken test: every wait here is on a signal, and the clock is a fake.</summary>
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(30);

    private const string Chat = """{"model":"MODEL","messages":[{"role":"user","content":"hi"}]}""";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string model, bool stream = false) =>
        client.PostAsync("/v1/chat/completions", new StringContent(
            stream ? Chat.Replace("MODEL", model, StringComparison.Ordinal).TrimEnd('}') + ",\"stream\":true}" : Chat.Replace("MODEL", model, StringComparison.Ordinal),
            Encoding.UTF8, "application/json"));

    /// <summary>A Retry-After as seconds or as an HTTP date (two seconds after the gateway's now) is waited out before the retry.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_UpstreamOverloadedOnce_RetriedHonouringRetryAfter(bool asDate)
    {
        var time = new TimerAwareTimeProvider();
        await using var upstream = await FakeUpstream.StartAsync("flaky");
        var calls = 0;
        upstream.Handler = context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = asDate ? (time.GetUtcNow() + TimeSpan.FromSeconds(2)).ToString("R", CultureInfo.InvariantCulture) : "2";
                return Task.CompletedTask;
            }

            upstream.Handler = null;
            return context.Response.WriteAsJsonAsync(new { id = "x", @object = "chat.completion", choices = new[] { new { index = 0, message = new { role = "assistant", content = "second try" }, finish_reason = "stop" } } });
        };
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?> { ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString() },
            configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var client = gateway.CreateClient();

        var retryWaits = time.WhenNextTimerArmedAsync(TimeSpan.FromSeconds(2));
        var answer = PostAsync(client, "m");
        // The retry waits on a timer of exactly the Retry-After; only once that passes does the upstream hear again.
        await retryWaits.WaitAsync(Backstop);
        Assert.Equal(1, calls);
        time.Advance(TimeSpan.FromSeconds(2));
        using var response = await answer.WaitAsync(Backstop);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("second try", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, calls);
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
        var time = new TimerAwareTimeProvider();
        var breakDuration = TimeSpan.FromSeconds(15);
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString(),
            ["Gateway:Models:m:MaxRetries"] = "0",
            ["Gateway:Models:m:CircuitBreaker:MinimumThroughput"] = "2",
            ["Gateway:Models:m:CircuitBreaker:BreakDuration"] = "00:00:15",
        }, configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.BadGateway, (await PostAsync(client, "m")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await PostAsync(client, "m")).StatusCode);
        using var blocked = await PostAsync(client, "m");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
        Assert.Contains("upstream_unavailable", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, upstream.Requests.Count);

        // Still open a second before the break ends.
        await time.WhenTimerArmedAsync(breakDuration + TimeSpan.FromMilliseconds(10)).WaitAsync(Backstop);
        upstream.Handler = null;
        time.Advance(breakDuration - TimeSpan.FromSeconds(1));
        using var early = await PostAsync(client, "m");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal(2, upstream.Requests.Count);

        // Once it has ended (routing rechecks the circuit 10 ms after), one probe goes through and closes the circuit.
        time.Advance(TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(10));
        using var probe = await PostAsync(client, "m");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "m")).StatusCode);
        Assert.Equal(4, upstream.Requests.Count);
    }

    [Fact]
    public async Task ChatStream_UpstreamHangsHalfway_ClientGetsErrorEventAndCleanEndWithoutRetry()
    {
        var time = new TimerAwareTimeProvider();
        await using var upstream = await FakeUpstream.StartAsync("hang");
        await using var backup = await FakeUpstream.StartAsync("backup");
        upstream.StreamGate = new TaskCompletionSource();
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:m:BaseUrl"] = upstream.BaseUrl.ToString(),
            ["Gateway:Models:m:Timeout"] = "00:01:00",
            ["Gateway:Models:m:Fallbacks:0"] = "spare",
            ["Gateway:Models:spare:BaseUrl"] = backup.BaseUrl.ToString(),
        }, configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(Chat.Replace("MODEL", "m", StringComparison.Ordinal).TrimEnd('}') + ",\"stream\":true}", Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await body.ReadLineAsync() + "\n" + await body.ReadLineAsync() + "\n";
        // The first event is out, so the read that brought it is done: the idle timer armed now is the next read's.
        await time.WhenTimerArmedAsync(TimeSpan.FromMinutes(1)).WaitAsync(Backstop);
        time.Advance(TimeSpan.FromMinutes(1));
        var text = first + await body.ReadToEndAsync().WaitAsync(Backstop);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("Hello", events[0], StringComparison.Ordinal);
        var error = JsonNode.Parse(events[^1]["data: ".Length..])!["error"]!;
        Assert.Equal("upstream_stream_error", error["code"]!.GetValue<string>());
        Assert.Contains("no data for 60 s", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
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
        // The gateway counts usage once the request is done, which may be a moment after the client has its whole answer.
        await gateway.Finished.WhenFinishedAsync("/v1/chat/completions").WaitAsync(Backstop);

        Assert.True(upstream.LastRequest.Json!["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.DoesNotContain("\"usage\"", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.Contains("gateway_tokens_total{model=\"usage-counted\",direction=\"output\"} 4", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
