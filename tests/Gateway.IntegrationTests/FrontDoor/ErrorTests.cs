using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>Every client mistake and every upstream failure gets an OpenAI-shaped error with the right status.</summary>
public sealed class ErrorTests : IAsyncLifetime
{
    private const string AliceKey = "sk-alice-test";
    private FakeUpstream _upstream = null!;
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync("alpha");
        _gateway = await GatewayTestHost.StartAsync(Settings());
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Gateway:MaxRequestBodyBytes"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Gateway:Models:alpha:BaseUrl"] = _upstream.BaseUrl.ToString(),
        ["Gateway:Models:beta:BaseUrl"] = _upstream.BaseUrl.ToString(),
        ["Gateway:Models:down:BaseUrl"] = "http://127.0.0.1:1/v1",
        ["Gateway:Models:slow:BaseUrl"] = _upstream.BaseUrl.ToString(),
        ["Gateway:Models:slow:FirstByteTimeout"] = "00:00:00.500",
        ["Gateway:Keys:alice:Hash"] = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(AliceKey))),
        ["Gateway:Keys:alice:Models:0"] = "alpha",
        ["Gateway:Keys:alice:Models:1"] = "down",
        ["Gateway:Keys:alice:Models:2"] = "slow",
    };

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Chat_NoKey_Returns401()
    {
        using var client = _gateway.CreateClient(apiKey: null);
        await AssertErrorAsync(await PostChatAsync(client, Valid("alpha")), HttpStatusCode.Unauthorized, "authentication_error", "missing_api_key");
    }

    [Fact]
    public async Task Chat_DevelopmentKeyWhenKeysConfigured_Returns401ThroughSdk()
    {
        var chat = _gateway.CreateOpenAIClient(GatewayTestHost.DevelopmentKey).GetChatClient("alpha");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, ex.Status);
    }

    [Fact]
    public async Task Chat_ModelNotAllowedForKey_Returns403ThroughSdk()
    {
        var chat = _gateway.CreateOpenAIClient(AliceKey).GetChatClient("beta");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(403, ex.Status);
        Assert.Contains("model_not_allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ListedForKey_OnlyAllowedOnes()
    {
        using var client = _gateway.CreateClient(AliceKey);

        var json = JsonNode.Parse(await client.GetStringAsync("/v1/models"))!;

        var data = json["data"]!.AsArray();
        var ids = data.Where(m => m!["owned_by"]!.GetValue<string>() != "gateway-router").Select(m => m!["id"]!.GetValue<string>()).Order().ToArray();
        Assert.Equal(new[] { "alpha", "down", "slow" }, ids);
        Assert.Contains(data, m => m!["id"]!.GetValue<string>() == "auto");
    }

    [Theory]
    [InlineData("{not json", "invalid_json", null)]
    [InlineData("[1,2]", "invalid_request", null)]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"x"}]} trailing""", "invalid_json", null)]
    [InlineData("""{"model":42,"messages":[{"role":"user","content":"x"}]}""", "invalid_type", "model")]
    [InlineData("""{"model":"alpha","messages":"hello"}""", "invalid_type", "messages")]
    [InlineData("""{"model":"alpha","messages":[{"content":"x"}]}""", "missing_required_parameter", "messages[0].role")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":5}]}""", "invalid_type", "messages[0].content")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":null}]}""", "invalid_type", "messages[0].content")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"x"},{"content":null,"role":"tool","tool_call_id":"1"}]}""", "invalid_type", "messages[1].content")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "invalid_type", "stream")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"x"}],"max_tokens":1.5}""", "invalid_type", "max_tokens")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"x"}],"temperature":"hot"}""", "invalid_type", "temperature")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "missing_required_parameter", "model")]
    [InlineData("""{"model":"alpha"}""", "missing_required_parameter", "messages")]
    [InlineData("""{"model":"alpha","messages":[]}""", "invalid_request", "messages")]
    public async Task Chat_BadBody_Returns400WithParam(string body, string code, string? param)
    {
        using var client = _gateway.CreateClient(AliceKey);

        var error = await AssertErrorAsync(await PostChatAsync(client, body), HttpStatusCode.BadRequest, "invalid_request_error", code);

        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.DoesNotContain(_upstream.Requests, r => r.Body == body);
    }

    [Fact]
    public async Task Chat_BodyWithBrokenUtf8_Returns400AndNeverReachesTheUpstream()
    {
        using var client = _gateway.CreateClient(AliceKey);
        var before = _upstream.Requests.Count;
        var bytes = Encoding.UTF8.GetBytes(Valid("alpha")).ToList();
        var at = bytes.IndexOf((byte)'h');
        bytes.InsertRange(at, new byte[] { 0xFF, 0xFE, 0x80 });
        using var content = new ByteArrayContent(bytes.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var error = await AssertErrorAsync(await client.PostAsync("/v1/chat/completions", content), HttpStatusCode.BadRequest, "invalid_request_error", "invalid_json");

        Assert.Contains("UTF-8", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, _upstream.Requests.Count);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/completions")]
    [InlineData("/v1/embeddings")]
    [InlineData("/v1/route")]
    [InlineData("/v1/feedback")]
    public async Task Post_LoneSurrogateEscape_Returns400AndNeverReachesTheUpstream(string path)
    {
        using var client = _gateway.CreateClient(AliceKey);
        var before = _upstream.Requests.Count;
        const string Body = """{"model":"alpha","messages":[{"role":"user","content":"x \ud800 y"}],"prompt":"\ud800","input":"\ud800","request_id":"\udfff","score":1}""";

        var error = await AssertErrorAsync(await client.PostAsync(path, new StringContent(Body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "invalid_request_error", "invalid_json");

        Assert.Contains("surrogate", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, _upstream.Requests.Count);
    }

    [Fact]
    public async Task Embeddings_MissingInput_Returns400()
    {
        using var client = _gateway.CreateClient(AliceKey);

        using var response = await client.PostAsync("/v1/embeddings", new StringContent("""{"model":"alpha"}"""));

        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "missing_required_parameter");
        Assert.Equal("input", error["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_UnknownModel_Returns404()
    {
        using var client = _gateway.CreateClient(AliceKey);
        await AssertErrorAsync(await PostChatAsync(client, Valid("no-such-model")), HttpStatusCode.NotFound, "invalid_request_error", "model_not_found");
    }

    [Fact]
    public async Task Chat_BodyOverLimit_Returns413()
    {
        using var client = _gateway.CreateClient(AliceKey);
        var huge = Valid("alpha").Replace("\"hi\"", "\"" + new string('x', 100 * 1024) + "\"", StringComparison.Ordinal);

        await AssertErrorAsync(await PostChatAsync(client, huge), HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "request_too_large");
    }

    [Fact]
    public async Task Chat_ChunkedBodyOverLimit_Returns413()
    {
        using var client = _gateway.CreateClient(AliceKey);
        var huge = Encoding.UTF8.GetBytes(Valid("alpha").Replace("\"hi\"", "\"" + new string('x', 100 * 1024) + "\"", StringComparison.Ordinal));
        using var content = new StreamContent(new MemoryStream(huge));
        content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await AssertErrorAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "request_too_large");
    }

    [Fact]
    public async Task Chat_UpstreamUnreachable_Returns502NamingTheModelNotItsAddress()
    {
        using var client = _gateway.CreateClient(AliceKey);

        var error = await AssertErrorAsync(await PostChatAsync(client, Valid("down")), HttpStatusCode.BadGateway, "upstream_error", "upstream_unreachable");

        var message = error["message"]!.GetValue<string>();
        Assert.Contains("'down'", message, StringComparison.Ordinal);
        Assert.Contains("the connection failed", message, StringComparison.Ordinal);
        // Upstream addresses are internal.
        Assert.DoesNotContain("127.0.0.1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UpstreamServerError_Returns502WithUpstreamMessage()
    {
        _upstream.Handler = async context =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "model crashed", type = "server_error" } });
        };
        using var client = _gateway.CreateClient(AliceKey);

        var error = await AssertErrorAsync(await PostChatAsync(client, Valid("alpha")), HttpStatusCode.BadGateway, "upstream_error", "upstream_error");

        var message = error["message"]!.GetValue<string>();
        Assert.Contains("model crashed", message, StringComparison.Ordinal);
        Assert.Contains("'alpha'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UpstreamOverloaded_Returns503()
    {
        _upstream.Handler = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        using var client = _gateway.CreateClient(AliceKey);

        await AssertErrorAsync(await PostChatAsync(client, Valid("alpha")), HttpStatusCode.ServiceUnavailable, "upstream_error", "upstream_error");
    }

    [Fact]
    public async Task Chat_UpstreamTooSlow_Returns504()
    {
        // An upstream that never answers, and a gateway on a fake clock: the first-byte timeout is all that ends the wait.
        var time = new TimerAwareTimeProvider();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Handler = async context =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        await using var gateway = await GatewayTestHost.StartAsync(Settings(), configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var client = gateway.CreateClient(AliceKey);

        var answer = PostChatAsync(client, Valid("slow"));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await time.WhenTimerArmedAsync(TimeSpan.FromMilliseconds(500)).WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMilliseconds(500));

        await AssertErrorAsync(await answer.WaitAsync(TimeSpan.FromSeconds(30)), HttpStatusCode.GatewayTimeout, "upstream_error", "upstream_timeout");
    }

    [Fact]
    public async Task UnknownPathAndWrongMethod_Return404And405()
    {
        using var client = _gateway.CreateClient(AliceKey);

        await AssertErrorAsync(await client.GetAsync("/v1/nothing"), HttpStatusCode.NotFound, "invalid_request_error", "unknown_url");
        await AssertErrorAsync(await client.GetAsync("/v1/chat/completions"), HttpStatusCode.MethodNotAllowed, "invalid_request_error", "method_not_allowed");
    }

    [Fact]
    public async Task Gateway_AfterBadInput_StillServes()
    {
        using var client = _gateway.CreateClient(AliceKey);
        await PostChatAsync(client, "{\"model\":");
        await PostChatAsync(client, "\u0000\u0001garbage");

        using var response = await PostChatAsync(client, Valid("alpha"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Valid(string model) => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""";

    private static Task<HttpResponseMessage> PostChatAsync(HttpClient client, string body) =>
        client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<JsonNode> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string code)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
            Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
            var error = JsonNode.Parse(text)!["error"]!;
            Assert.Equal(type, error["type"]!.GetValue<string>());
            Assert.Equal(code, error["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
            return error;
        }
    }
}
