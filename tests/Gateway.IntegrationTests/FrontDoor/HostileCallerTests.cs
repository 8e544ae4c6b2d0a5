using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.TestUtilities;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>What a caller with a valid but limited key (or none) can try, through the real front door.</summary>
public sealed class HostileCallerTests(HostileCallerFixture fixture) : IClassFixture<HostileCallerFixture>
{
    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/embeddings")]
    [InlineData("/v1/responses")]
    [InlineData("/v1/route")]
    [InlineData("/v1/feedback")]
    [InlineData("/v1/agents/any/runs")]
    [InlineData("/admin/keys")]
    [InlineData("/mcp")]
    public async Task Post_NoKeyAndABodyThatNeverEnds_RefusedBeforeTheBodyIsRead(string path)
    {
        // Generous: the answer must not wait for a body that never completes, however slow the machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var (status, body) = await UnfinishedBody.PostAsync(fixture.Gateway.BaseAddress, path, null, timeout.Token);

        Assert.Equal(401, status);
        Assert.Equal("missing_api_key", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Metrics_WithoutAnAdminKey_Refused()
    {
        using var anonymous = fixture.Client(null);
        using var tenant = fixture.Client(HostileCallerFixture.TenantA);
        using var admin = fixture.Client(HostileCallerFixture.AdminKey);

        using var none = await anonymous.GetAsync("/metrics");
        using var forbidden = await tenant.GetAsync("/metrics");
        using var allowed = await admin.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.DoesNotContain("gateway_", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("gateway_http_requests_total", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FrontDoorRefusals_AreCountedInTheRequestMetric()
    {
        using var admin = fixture.Client(HostileCallerFixture.AdminKey);
        using var anonymous = fixture.Client(null);
        using var tenant = fixture.Client(HostileCallerFixture.TenantA);
        var before = await admin.GetStringAsync("/metrics");

        (await anonymous.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha")))).Dispose();
        (await tenant.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("beta")))).Dispose();
        (await tenant.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("nope")))).Dispose();
        (await tenant.PostAsync("/v1/chat/completions", HostileCallerFixture.Json("{\"model\":"))).Dispose();
        (await tenant.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha", ",\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"")))).Dispose();

        var after = await admin.GetStringAsync("/metrics");
        // Counters only grow, and other tests may add to them: each refusal must have moved its series by at least one.
        Assert.True(Increase(before, after, "chat_completions", "none", "401") >= 1, "401 not counted");
        Assert.True(Increase(before, after, "chat_completions", "none", "403") >= 1, "403 not counted");
        Assert.True(Increase(before, after, "chat_completions", "none", "404") >= 1, "404 not counted");
        Assert.True(Increase(before, after, "chat_completions", "none", "400") >= 1, "400 not counted");
        Assert.True(Increase(before, after, "chat_completions", "none", "413") >= 1, "413 not counted");
    }

    [Fact]
    public async Task Feedback_AnotherKeysRequest_CannotBeScored()
    {
        using var a = fixture.Client(HostileCallerFixture.TenantA);
        using var b = fixture.Client(HostileCallerFixture.TenantB);
        using var admin = fixture.Client(HostileCallerFixture.AdminKey);
        var id = "req-" + Guid.NewGuid().ToString("N");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha")) })
        {
            request.Headers.Add("x-request-id", id);
            (await a.SendAsync(request)).EnsureSuccessStatusCode();
        }

        // B reuses A's request id: A's record stays A's.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha")) })
        {
            request.Headers.Add("x-request-id", id);
            (await b.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var score = HostileCallerFixture.Json("{\"request_id\":\"" + id + "\",\"score\":0}");
        using var byB = await b.PostAsync("/v1/feedback", score);
        using var byA = await a.PostAsync("/v1/feedback", HostileCallerFixture.Json("{\"request_id\":\"" + id + "\",\"score\":1}"));
        using var byAdmin = await admin.PostAsync("/v1/feedback", HostileCallerFixture.Json("{\"request_id\":\"" + id + "\",\"score\":0.5}"));

        Assert.Equal(HttpStatusCode.NotFound, byB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("true")]
    public async Task Body_NestedDeeperThanTheLimit_Is400NotA500(string cache)
    {
        using var client = fixture.Client(HostileCallerFixture.TenantA);
        var deep = new string('[', 100) + new string(']', 100);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha", ",\"metadata\":{\"x\":" + deep + "}")),
        };
        if (cache.Length > 0)
        {
            request.Headers.Add("x-gateway-cache", cache);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Body_NestedJustUnderTheLimit_IsServedWithTheCache()
    {
        using var client = fixture.Client(HostileCallerFixture.TenantA);
        // The whole body may nest 64 deep: the object, metadata's object, and 61 arrays.
        var deep = new string('[', 61) + new string(']', 61);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha", ",\"metadata\":{\"x\":" + deep + "}")),
        };
        request.Headers.Add("x-gateway-cache", "true");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DuplicateKeysInANestedObject_WithTheCache_ServedUncachedNotA500()
    {
        using var client = fixture.Client(HostileCallerFixture.TenantA);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha", ",\"metadata\":{\"a\":\"1\",\"a\":\"2\"}")),
        };
        request.Headers.Add("x-gateway-cache", "true");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("x-gateway-cache"));
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("87601")]
    public async Task AdminKeys_BudgetPeriodBeyondTenYears_400NamingIt(string hours)
    {
        using var admin = fixture.Client(HostileCallerFixture.AdminKey);

        using var response = await admin.PostAsync("/admin/keys", HostileCallerFixture.Json(
            "{\"name\":\"long-period-" + hours + "\",\"budget_usd\":1,\"budget_period_hours\":" + hours + "}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("budget_period_hours", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":5,"clientInfo":{"name":"c","version":"1"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","protocolVersion":"x","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\ud800","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""")]
    public async Task Mcp_InitializeTheSdkCannotRead_JsonRpcError400(string message)
    {
        using var client = fixture.Client(HostileCallerFixture.TenantA);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = HostileCallerFixture.Json(message) };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValueKind());
    }

    [Fact]
    public async Task Mcp_BodyOverTheLimit_413()
    {
        using var client = fixture.Client(HostileCallerFixture.TenantA);
        var call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"calculator\",\"arguments\":{\"expression\":\"" + new string('1', 2 * 1024 * 1024) + "\"}}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = HostileCallerFixture.Json(call) };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task DuplicateKeys_Refused()
    {
        using var client = fixture.Client(HostileCallerFixture.TenantA);
        using var twice = await client.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(
            HostileCallerFixture.Chat("alpha", ",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"stream_options\":null")));
        using var nested = await client.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(
            HostileCallerFixture.Chat("alpha", ",\"stream\":true,\"stream_options\":{\"include_usage\":true,\"include_usage\":false}")));

        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Equal("stream_options", JsonNode.Parse(await twice.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);
        Assert.Equal("stream_options.include_usage", JsonNode.Parse(await nested.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallerHeaders_OnlyTheAllowedOnesReachTheUpstream()
    {
        using var client = fixture.Client(HostileCallerFixture.TenantB);
        foreach (var model in new[] { "alpha", "beta" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = HostileCallerFixture.Json(HostileCallerFixture.Chat(model)) };
            request.Headers.Add("OpenAI-Organization", "org-victim");
            request.Headers.Add("OpenAI-Project", "proj-victim");
            request.Headers.Add("Cookie", "session=stolen");
            request.Headers.Add("x-api-key", "sk-other");
            request.Headers.Add("Accept-Encoding", "gzip");
            request.Headers.Add("OpenAI-Beta", "assistants=v2");
            request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            (await client.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var alpha = fixture.Alpha.LastRequest.Headers;
        var beta = fixture.Beta.LastRequest.Headers;
        foreach (var dropped in new[] { "openai-organization", "openai-project", "cookie", "x-api-key", "accept-encoding" })
        {
            Assert.False(alpha.ContainsKey(dropped), dropped + " reached the upstream");
            Assert.False(beta.ContainsKey(dropped), dropped + " reached the upstream");
        }

        // The caller's trace goes on upstream. The parent span id is the caller's, or the gateway's own span's where a
        // tracer listens in this process (tests of tracing run beside this one), so only the trace id is the caller's.
        Assert.Matches("^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$", alpha["traceparent"]);
        Assert.False(alpha.ContainsKey("openai-beta"));
        Assert.Equal("assistants=v2", beta["openai-beta"]);
        Assert.False(alpha.TryGetValue("authorization", out var authorization) && authorization.Contains(HostileCallerFixture.TenantB, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DevelopmentKey_KeysConfigured_Refused()
    {
        using var client = fixture.Client(GatewayTestHost.DevelopmentKey);

        using var response = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("not-the-secret", true)]
    [InlineData("", true)]
    [InlineData("not-the-secret", false)]
    public async Task Post_BatchLineHeaderWithoutTheSecret_401AndNothingForwarded(string secret, bool withBearer)
    {
        var before = fixture.Alpha.Requests.Count;
        using var client = fixture.Client(withBearer ? HostileCallerFixture.TenantA : null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = HostileCallerFixture.Json(HostileCallerFixture.Chat("alpha")) };
        request.Headers.TryAddWithoutValidation("x-gateway-batch-line", secret);
        // The owner hash of a real key: without the secret it must not authenticate as that key.
        request.Headers.TryAddWithoutValidation("x-gateway-batch-key", HostileCallerFixture.Hash(HostileCallerFixture.AdminKey));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(before, fixture.Alpha.Requests.Count);
    }

    [Fact]
    public async Task Post_CallerClaimsBatchPriority_HeaderNeverReachesTheUpstream()
    {
        using var client = fixture.Client(HostileCallerFixture.TenantB);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = HostileCallerFixture.Json(HostileCallerFixture.Chat("beta")) };
        request.Headers.TryAddWithoutValidation("x-gateway-priority", "interactive");
        request.Headers.TryAddWithoutValidation("OpenAI-Beta", "assistants=v2");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = fixture.Beta.LastRequest.Headers;
        Assert.Equal("assistants=v2", forwarded["openai-beta"]);
        Assert.False(forwarded.ContainsKey("x-gateway-priority"));
    }

    private static double Increase(string before, string after, string route, string model, string status)
    {
        var series = $"gateway_http_requests_total{{route=\"{route}\",model=\"{model}\",status=\"{status}\"}}";
        return Value(after, series) - Value(before, series);
    }

    private static double Value(string metrics, string series)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(series) + " ([0-9.eE+-]+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
