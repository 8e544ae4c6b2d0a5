using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Client;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>
/// Every metered call is counted against its key, whatever the caller sends or does: concurrent requests, streams that
/// do not ask for usage, hang-ups, MCP tool calls, keys created again under an old name. The clock is a fake (nothing
/// here waits on it), so a minute never ends in the middle of a test.
/// </summary>
public sealed class MeteringTests : IAsyncLifetime
{
    private const string AdminKey = "sk-metering-admin";
    private const string RotatedFirst = "sk-metering-rotated-1";
    private const string RotatedSecond = "sk-metering-rotated-2";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly ListLoggerProvider _log = new();
    private FakeUpstream _upstream = null!;
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync("metering");
        _gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:metering:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Keys:admin:Hash"] = HostileCallerFixture.Hash(AdminKey),
            ["Gateway:Keys:admin:Admin"] = "true",
            // Settlements written at once, so a test can read them back as soon as its answer is complete.
            ["Gateway:Limits:UsageFlushInterval"] = "00:00:00",
        }, configFiles: new Dictionary<string, string> { ["rotating.json"] = RotatingKey(RotatedFirst) },
        configure: builder => builder.Services.AddSingleton<TimeProvider>(_time), log: _log);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private async Task<string> CreateKeyAsync(string json)
    {
        using var admin = _gateway.CreateClient(AdminKey);
        using var created = await admin.PostAsync("/admin/keys", HostileCallerFixture.Json(json));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
    }

    private async Task<decimal> RemainingAsync(string name, string limit)
    {
        using var admin = _gateway.CreateClient(AdminKey);
        var usage = JsonNode.Parse(await admin.GetStringAsync($"/admin/keys/{name}/usage"))!;
        return usage["limits"]!.AsArray().Single(l => l!["limit"]!.GetValue<string>() == limit)!["remaining"]!.GetValue<decimal>();
    }

    [Fact]
    public async Task ConcurrentRequests_TenTokenKey_OnlyOneServed()
    {
        var key = await CreateKeyAsync("""{"name":"ten-tokens","tokens_per_minute":10}""");
        var gate = new TaskCompletionSource();
        var arrivals = new SemaphoreSlim(0);
        _upstream.Handler = async context =>
        {
            arrivals.Release();
            await gate.Task;
            await context.Response.WriteAsJsonAsync(new
            {
                id = "c",
                @object = "chat.completion",
                created = 1,
                model = "metering",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = "ok" }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 5, completion_tokens = 4, total_tokens = 9 },
            });
        };
        using var client = _gateway.CreateClient(key);

        var requests = Enumerable.Range(0, 8)
            .Select(_ => client.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("metering"))))
            .ToArray();
        // Hold every request that reached the upstream until each of the eight has either got there or been answered.
        int arrived = 0, answered = 0;
        var pending = requests.ToList();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (arrived + answered < requests.Length)
        {
            using var turn = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var arrival = arrivals.WaitAsync(turn.Token);
            if (await Task.WhenAny(arrival, Task.WhenAny(pending)) != arrival)
            {
                await turn.CancelAsync();
                answered += pending.RemoveAll(r => r.IsCompleted);
            }

            try
            {
                await arrival;
                arrived++;
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
                // No arrival this turn; an answer came instead.
            }
        }

        gate.SetResult();
        var responses = await Task.WhenAll(requests);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        // Settled to the real use: 5 + 4 of the 10.
        Assert.Equal(1, await RemainingAsync("ten-tokens", "tokens"));
        _upstream.Handler = null;
    }

    [Fact]
    public async Task Stream_CallerAsksForNoUsage_TokensChargedAndNoUsageChunkShown()
    {
        var key = await CreateKeyAsync("""{"name":"no-usage","tokens_per_minute":1000}""");
        using var client = _gateway.CreateClient(key);

        using var response = await client.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(
            HostileCallerFixture.Chat("metering", ",\"stream\":true,\"stream_options\":{\"include_usage\":false}")));
        var stream = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hello", stream, StringComparison.Ordinal);
        Assert.DoesNotContain("\"usage\"", stream, StringComparison.Ordinal);
        Assert.True(_upstream.LastRequest.Json!["stream_options"]!["include_usage"]!.GetValue<bool>());
        // The upstream's usage chunk says 5 + 4.
        Assert.Equal(1000 - 9, await RemainingAsync("no-usage", "tokens"));
    }

    [Fact]
    public async Task Stream_CallerHangsUpMidway_ForwardedTokensCharged()
    {
        var key = await CreateKeyAsync("""{"name":"hang-up","tokens_per_minute":100000}""");
        _upstream.StreamGate = new TaskCompletionSource();
        using var client = _gateway.CreateClient(key);
        var body = HostileCallerFixture.Chat("metering", ",\"stream\":true");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = HostileCallerFixture.Json(body) })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data:", await reader.ReadLineAsync());
        }

        // The caller is gone after the first chunk ("Hello"); the upstream's usage never came.
        // Charged: the prompt estimate (a token per 4 bytes of the body) and the chunk's 5 bytes of text (2 tokens).
        var expected = 100000 - (((Encoding.UTF8.GetByteCount(body) + 3) / 4) + 2);
        // Until the request is settled its reservation (the prompt and 1,024 completion tokens) holds the window; it
        // is settled once the gateway has seen the caller go and finished the request.
        await _gateway.Finished.WhenFinishedAsync("/v1/chat/completions").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(expected, await RemainingAsync("hang-up", "tokens"));
        _upstream.StreamGate.TrySetResult();
        _upstream.StreamGate = null;
    }

    [Fact]
    public async Task UpstreamRefusesTheRequest_NothingCharged()
    {
        var key = await CreateKeyAsync("""{"name":"refused","tokens_per_minute":1000}""");
        _upstream.Handler = async context =>
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "context too long", type = "invalid_request_error" } });
        };
        using var client = _gateway.CreateClient(key);

        using var response = await client.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("metering")));
        _upstream.Handler = null;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // The reservation was refunded whole: an upstream bills no refused request.
        Assert.Equal(1000, await RemainingAsync("refused", "tokens"));
    }

    [Fact]
    public async Task ConfiguredKey_ReplacedUnderItsName_StartsWithFreshCounters()
    {
        using var first = _gateway.CreateClient(RotatedFirst);
        Assert.Equal(HttpStatusCode.OK, (await first.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("metering")))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("metering")))).StatusCode);

        // The operator replaces the key's secret; the name stays.
        await _gateway.WriteConfigFileAsync("rotating.json", RotatingKey(RotatedSecond));
        using var second = _gateway.CreateClient(RotatedSecond);
        // The file watcher's news: the keys were reloaded.
        await _log.WhenLoggedAsync(l => l.Contains("Gateway.Keys: Configuration 'Gateway' reloaded", StringComparison.Ordinal)).WaitAsync(TimeSpan.FromSeconds(30));

        using var response = await second.PostAsync("/v1/chat/completions", HostileCallerFixture.Json(HostileCallerFixture.Chat("metering")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string RotatingKey(string secret) =>
        "{\"Gateway\":{\"Keys\":{\"rotating\":{\"Hash\":\"" + HostileCallerFixture.Hash(secret) + "\",\"RequestsPerMinute\":1}}}}";

    [Fact]
    public async Task Mcp_ToolsScopedToTheKeyAndEveryCallCounted()
    {
        var scoped = await CreateKeyAsync("""{"name":"calculator-only","models":["tool:calculator"],"requests_per_minute":2}""");
        var modelsOnly = await CreateKeyAsync("""{"name":"models-only","models":["metering"]}""");

        await using (var client = await McpAsync(scoped))
        {
            var tools = await client.ListToolsAsync();
            Assert.Equal(["calculator"], tools.Select(t => t.Name).ToArray());
            var arguments = new Dictionary<string, object?> { ["expression"] = "6 * 7" };
            Assert.Equal("42", Text(await client.CallToolAsync("calculator", arguments)));
            Assert.Equal("42", Text(await client.CallToolAsync("calculator", arguments)));

            var third = await client.CallToolAsync("calculator", arguments);
            Assert.True(third.IsError);
            Assert.Contains("Rate limit", Text(third), StringComparison.Ordinal);
            Assert.True((await client.CallToolAsync("clock", new Dictionary<string, object?>())).IsError);
        }

        await using (var client = await McpAsync(modelsOnly))
        {
            Assert.Empty(await client.ListToolsAsync());
        }
    }

    private async Task<McpClient> McpAsync(string key) =>
        await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_gateway.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        }));

    private static string Text(ModelContextProtocol.Protocol.CallToolResult result) =>
        string.Concat(result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(b => b.Text));
}
