using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Redis;
using Gateway.State;
using Gateway.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Gateway.IntegrationTests.SharedState;

/// <summary>Two gateway replicas on one real redis-server: limits, budget, cache, managed keys and outages.</summary>
public sealed class SharedStateTests : IAsyncLifetime
{
    private const string LimitedKey = "sk-limited-test";
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(30);

    // Both replicas on one fake clock: request limits count per calendar minute, and a test must not straddle two.
    private readonly TimerAwareTimeProvider _time = new();
    private RedisServer _redis = null!;
    private FakeUpstream _upstream = null!;
    private GatewayTestHost _a = null!;
    private GatewayTestHost _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _upstream = await FakeUpstream.StartAsync("shared");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(LimitedKey)));
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Redis:ConnectionString"] = _redis.ConnectionString,
            ["Gateway:Redis:Prefix"] = $"test-{Guid.NewGuid():N}:",
            ["Gateway:Models:m:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Models:m:InputPricePerMTok"] = "1000",
            ["Gateway:Models:m:OutputPricePerMTok"] = "2000",
            ["Gateway:Keys:admin:Hash"] = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(GatewayTestHost.DevelopmentKey))),
            ["Gateway:Keys:admin:Admin"] = "true",
            ["Gateway:Keys:limited:Hash"] = hash,
            ["Gateway:Keys:limited:RequestsPerMinute"] = "30",
            ["Gateway:Feedback:Record"] = "All",
        };
        _a = await GatewayTestHost.StartAsync(settings, configure: b => b.Services.AddSingleton<TimeProvider>(_time));
        _b = await GatewayTestHost.StartAsync(settings, configure: b => b.Services.AddSingleton<TimeProvider>(_time));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client, string extra = "", string? cache = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}", Encoding.UTF8, "application/json"),
        };
        if (cache is not null)
        {
            request.Headers.Add("x-gateway-cache", cache);
        }

        return client.SendAsync(request);
    }

    [Fact]
    public async Task RequestsPerMinute_TwoReplicas_EnforceOneLimit()
    {
        using var a = _a.CreateClient(LimitedKey);
        using var b = _b.CreateClient(LimitedKey);
        var responses = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => ChatAsync(i % 2 == 0 ? a : b)));

        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(30, ok);
        Assert.Equal(50, limited.Length);
        Assert.NotNull(limited[0].Headers.RetryAfter);
        Assert.Equal("30", limited[0].Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("0", limited[0].Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Contains("rate_limit_exceeded", await limited[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var metrics = await _a.CreateClient().GetStringAsync("/metrics");
        Assert.Matches("gateway_limit_rejections_total\\{limit=\"requests\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task Budget_SpentAcrossReplicas_Returns429WhenExhausted()
    {
        using var admin = _a.CreateClient();
        var created = JsonNode.Parse(await (await admin.PostAsync("/admin/keys", new StringContent("""{"name":"budgeted","budget_usd":0.02}"""))).Content.ReadAsStringAsync())!;
        var key = created["key"]!.GetValue<string>();
        using var a = _a.CreateClient(key);
        using var b = _b.CreateClient(key);

        // Each answer costs (5 × 1000 + 4 × 2000) / 1e6 = 0.013 USD.
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(a)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(b)).StatusCode);

        // Spend is settled as each request finishes, which may be a moment after its client has the answer.
        await _a.Finished.WhenFinishedAsync("/v1/chat/completions").WaitAsync(Backstop);
        await _b.Finished.WhenFinishedAsync("/v1/chat/completions").WaitAsync(Backstop);
        var remaining = JsonNode.Parse(await admin.GetStringAsync("/admin/keys/budgeted/usage"))!["limits"]!.AsArray()
            .Single(l => l!["limit"]!.GetValue<string>() == "budget")!["remaining"]!.GetValue<decimal>();

        using var third = await ChatAsync(a);

        Assert.Equal(0m, remaining);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("budget_exceeded", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_RepeatOnOtherReplica_ServedFromCacheAndStreamReplayed()
    {
        using var a = _a.CreateClient();
        using var b = _b.CreateClient();

        using var first = await ChatAsync(a, ",\"temperature\":0.7", cache: "true");
        var upstreamCalls = _upstream.Requests.Count;
        using var second = await ChatAsync(b, ",\"temperature\":0.7", cache: "true");

        Assert.Equal("miss", first.Headers.GetValues("x-gateway-cache").Single());
        Assert.Equal("hit", second.Headers.GetValues("x-gateway-cache").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(upstreamCalls, _upstream.Requests.Count);
        var metrics = await b.GetStringAsync("/metrics");
        Assert.Matches("gateway_cache_requests_total\\{result=\"hit\"\\} [1-9]", metrics);
        Assert.Matches("gateway_cache_requests_total\\{result=\"miss\"\\} [1-9]", metrics);

        using var stream1 = await ChatAsync(a, ",\"stream\":true", cache: "true");
        var streamed = await stream1.Content.ReadAsStringAsync();
        using var stream2 = await ChatAsync(b, ",\"stream\":true", cache: "true");
        Assert.Equal("hit", stream2.Headers.GetValues("x-gateway-cache").Single());
        Assert.Equal("text/event-stream", stream2.Content.Headers.ContentType!.MediaType);
        Assert.Equal(streamed, await stream2.Content.ReadAsStringAsync());
        Assert.EndsWith("data: [DONE]\n\n", streamed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_NotAskedAndTemperatureAboveZero_NotCached()
    {
        using var a = _a.CreateClient();
        await ChatAsync(a, ",\"temperature\":0.7");
        var calls = _upstream.Requests.Count;

        using var again = await ChatAsync(a, ",\"temperature\":0.7");

        Assert.Equal(calls + 1, _upstream.Requests.Count);
        Assert.False(again.Headers.Contains("x-gateway-cache"));
    }

    [Fact]
    public async Task ManagedKey_RevokedOnOneReplica_RejectedOnBoth()
    {
        using var admin = _a.CreateClient();
        using var created = await admin.PostAsync("/admin/keys", new StringContent("""{"name":"temp","models":["m"]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        using var a = _a.CreateClient(key);
        using var b = _b.CreateClient(key);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(a)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(b)).StatusCode);
        var listed = JsonNode.Parse(await admin.GetStringAsync("/admin/keys"))!["data"]!.AsArray();
        Assert.Contains(listed, k => k!["name"]!.GetValue<string>() == "temp");

        // The other replica hears of the revocation over Redis; it forgets the key it remembered as it does.
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _b.Services.GetRequiredService<IKeyStore>().KeyRevoked += hash => heard.TrySetResult(hash);

        using var revoked = await admin.DeleteAsync("/admin/keys/temp");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ChatAsync(a)).StatusCode);
        Assert.Equal(KeyHasher.Hash(key), await heard.Task.WaitAsync(Backstop));
        Assert.Equal(HttpStatusCode.Unauthorized, (await ChatAsync(b)).StatusCode);
    }

    [Fact]
    public async Task AdminApi_NonAdminKey_Returns403()
    {
        using var client = _a.CreateClient(LimitedKey);

        using var response = await client.GetAsync("/admin/keys");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Feedback_ScoredRequest_IsExportedAsOutcome()
    {
        using var client = _a.CreateClient();
        using var answer = await ChatAsync(client);
        var requestId = answer.Headers.GetValues("x-request-id").Single();

        using var scored = await client.PostAsync("/v1/feedback", new StringContent($$"""{"request_id":"{{requestId}}","score":0.75}"""));
        using var unknown = await client.PostAsync("/v1/feedback", new StringContent("""{"request_id":"nope","score":1}"""));
        using var bad = await client.PostAsync("/v1/feedback", new StringContent($$"""{"request_id":"{{requestId}}","score":7}"""));
        var export = await _b.CreateClient().GetStringAsync("/admin/feedback/export");

        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var line = export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).Single(l => l["id"]!.GetValue<string>() == requestId);
        Assert.Equal("hi", line["prompt"]!.GetValue<string>());
        Assert.Equal(0.75, line["scores"]!["m"]!.GetValue<double>());
    }

    [Fact]
    public async Task RedisDown_GatewayKeepsServingAndEnforcesAgainWhenBack()
    {
        using var limited = _a.CreateClient(LimitedKey);
        using var admin = _a.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(limited)).StatusCode);

        await _redis.StopAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatAsync(limited)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await ChatAsync(admin, cache: "true")).StatusCode);
        }

        var metrics = await admin.GetStringAsync("/metrics");
        Assert.Contains("gateway_state_store_errors_total{store=\"limits\",policy=\"fail_open\"}", metrics, StringComparison.Ordinal);

        // The client reconnects on its own schedule and says so; a pause after a timeout during the outage ends too.
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _a.Services.GetRequiredService<RedisConnection>().Multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };
        await _redis.StartAgainAsync();
        await restored.Task.WaitAsync(Backstop);
        _time.Advance(new RedisStateOptions().PauseAfterTimeout);
        await Poll.UntilAsync(UsesRedisAsync, "limits were not enforced through Redis again");

        async Task<bool> UsesRedisAsync()
        {
            using var response = await ChatAsync(limited);
            return response.Headers.TryGetValues("x-ratelimit-remaining-requests", out var remaining)
                && int.Parse(remaining.Single(), System.Globalization.CultureInfo.InvariantCulture) < 30
                && _redis.IsRunning;
        }
    }
}
