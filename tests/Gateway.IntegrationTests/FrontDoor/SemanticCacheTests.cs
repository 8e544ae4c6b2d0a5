using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.TestUtilities;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.FrontDoor;

/// <summary>
/// The semantic cache through the real front door with the real MiniLM encoder, driven by the OpenAI SDK: keys
/// <c>a</c> and <c>b</c> opt in, <c>plain</c> does not; the upstream answers each question with its own text, so an
/// answer shows which question it was produced for.
/// </summary>
public sealed class SemanticCacheTests : IAsyncLifetime
{
    private const string KeyA = "sk-semantic-a";
    private const string KeyB = "sk-semantic-b";
    private const string PlainKey = "sk-semantic-plain";
    private const string AdminKey = "sk-semantic-admin";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private FakeUpstream _upstream = null!;
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync("alpha");
        _upstream.Handler = AnswerWithTheQuestionAsync;
        _gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Models:alpha:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Keys:a:Hash"] = Hash(KeyA),
            ["Gateway:Keys:a:SemanticCache"] = "true",
            ["Gateway:Keys:b:Hash"] = Hash(KeyB),
            ["Gateway:Keys:b:SemanticCache"] = "true",
            // The most lenient threshold allowed: even so, b never sees a's answers.
            ["Gateway:Keys:b:SemanticCacheThreshold"] = "0.5",
            ["Gateway:Keys:plain:Hash"] = Hash(PlainKey),
            ["Gateway:Keys:admin:Hash"] = Hash(AdminKey),
            ["Gateway:Keys:admin:Admin"] = "true",
            ["Gateway:SemanticCache:TimeToLive"] = "00:10:00",
        }, configure: builder => builder.Services.AddSingleton<TimeProvider>(_time));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task CompleteChat_Paraphrase_ServedTheEarlierAnswerMarkedSemanticHit()
    {
        var chat = Chat(KeyA);

        var first = await AskAsync(chat, "What is the capital of France?");
        var second = await AskAsync(chat, "Which city is the capital of France?");

        Assert.Equal(("semantic-miss", "answer to: What is the capital of France?"), (first.Cache, first.Answer));
        Assert.Equal(("semantic-hit", "answer to: What is the capital of France?"), (second.Cache, second.Answer));
        Assert.InRange(double.Parse(second.Similarity!, CultureInfo.InvariantCulture), 0.5, 1.0);
        Assert.Single(_upstream.Requests, r => r.Body.Contains("capital of France", StringComparison.Ordinal));
        using var metrics = await _gateway.CreateClient(AdminKey).GetAsync("/metrics");
        Assert.Matches("gateway_cache_semantic_requests_total\\{result=\"hit\"\\} [1-9]", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CompleteChat_OtherQuestionWithHighWordOverlap_Misses()
    {
        var chat = Chat(KeyA);
        await AskAsync(chat, "What is the capital of Italy?");

        var other = await AskAsync(chat, "What is the capital of Spain?");

        Assert.Equal(("semantic-miss", "answer to: What is the capital of Spain?"), (other.Cache, other.Answer));
    }

    [Fact]
    public async Task CompleteChat_SamePromptUnderAnotherKey_NeverHits()
    {
        await AskAsync(Chat(KeyA), "How many legs does a spider have?");

        var other = await AskAsync(Chat(KeyB), "How many legs does a spider have?");
        var again = await AskAsync(Chat(KeyB), "How many legs does a spider have?");

        Assert.Equal("semantic-miss", other.Cache);
        Assert.Equal("semantic-hit", again.Cache);
        Assert.Equal(2, _upstream.Requests.Count(r => r.Body.Contains("spider", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CompleteChat_AfterTimeToLive_Misses()
    {
        var chat = Chat(KeyA);
        await AskAsync(chat, "Who wrote Hamlet?");
        _time.Advance(TimeSpan.FromMinutes(10));

        var later = await AskAsync(chat, "Who wrote Hamlet?");

        Assert.Equal("semantic-miss", later.Cache);
    }

    [Fact]
    public async Task CompleteChat_SampledRequest_NotCached()
    {
        var chat = Chat(KeyA);
        var options = new ChatCompletionOptions { Temperature = 0.7f };

        var result = await chat.CompleteChatAsync([new UserChatMessage("Tell me a joke")], options);

        Assert.False(result.GetRawResponse().Headers.TryGetValue("x-gateway-cache", out _));
    }

    [Fact]
    public async Task CompleteChatStreaming_Paraphrase_ReplaysTheStream()
    {
        var chat = Chat(KeyA);
        var options = new ChatCompletionOptions { Temperature = 0 };

        var first = await StreamAsync(chat, "What is the boiling point of water?", options);
        var second = await StreamAsync(chat, "What's the boiling point of water?", options);

        Assert.Equal("answer to: What is the boiling point of water?", first);
        Assert.Equal(first, second);
        Assert.Single(_upstream.Requests, r => r.Body.Contains("water", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_UpstreamError_NotCached()
    {
        using var client = _gateway.CreateClient(null);
        var body = "{\"model\":\"alpha\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"please fail\"}]}";

        using var failed = await PostAsync(client, KeyA, body, null);
        using var again = await PostAsync(client, KeyA, body, null);

        Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(2, _upstream.Requests.Count(r => r.Body.Contains("please fail", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Post_SemanticHeaderOnAKeyThatDoesNotOptIn_UsesTheSemanticCache()
    {
        using var client = _gateway.CreateClient(null);
        var body = "{\"model\":\"alpha\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"What is the speed of light?\"}]}";

        using var first = await PostAsync(client, PlainKey, body, "semantic");
        using var second = await PostAsync(client, PlainKey, body, "semantic");
        using var without = await PostAsync(client, PlainKey, body, null);

        Assert.Equal("semantic-miss", first.Headers.GetValues("x-gateway-cache").Single());
        Assert.Equal("semantic-hit", second.Headers.GetValues("x-gateway-cache").Single());
        Assert.False(without.Headers.Contains("x-gateway-cache"));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("semantic-hit")]
    public async Task Post_UnknownCacheHeader_400InOpenAIShape(string value)
    {
        using var client = _gateway.CreateClient(null);
        var body = "{\"model\":\"alpha\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        using var response = await PostAsync(client, KeyA, body, value);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(("invalid_request_error", "x-gateway-cache", "invalid_cache_mode"),
            (error["type"]!.GetValue<string>(), error["param"]!.GetValue<string>(), error["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CompleteChat_ManagedKeysOfOneTenant_ShareEntriesAndOthersNever()
    {
        var first = await CreateManagedKeyAsync(new JsonObject { ["name"] = "acme-1", ["semantic_cache"] = true, ["cache_tenant"] = "acme" });
        var second = await CreateManagedKeyAsync(new JsonObject { ["name"] = "acme-2", ["semantic_cache"] = true, ["cache_tenant"] = "acme" });
        var outsider = await CreateManagedKeyAsync(new JsonObject { ["name"] = "solo", ["semantic_cache"] = true, ["semantic_cache_threshold"] = 0.5 });

        var asked = await AskAsync(Chat(first), "What is the tallest mountain on Earth?");
        var sameTenant = await AskAsync(Chat(second), "Which mountain on Earth is the tallest?");
        var otherTenant = await AskAsync(Chat(outsider), "What is the tallest mountain on Earth?");

        Assert.Equal("semantic-miss", asked.Cache);
        Assert.Equal(("semantic-hit", "answer to: What is the tallest mountain on Earth?"), (sameTenant.Cache, sameTenant.Answer));
        Assert.Equal("semantic-miss", otherTenant.Cache);
        Assert.Equal(2, _upstream.Requests.Count(r => r.Body.Contains("tallest mountain", StringComparison.Ordinal)));
        using var list = await _gateway.CreateClient(AdminKey).GetAsync("/admin/keys");
        var acme = JsonNode.Parse(await list.Content.ReadAsStringAsync())!["data"]!.AsArray().Single(k => k!["name"]!.GetValue<string>() == "acme-1")!;
        Assert.Equal((true, "acme"), (acme["semantic_cache"]!.GetValue<bool>(), acme["cache_tenant"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CompleteChat_ManagedKeyWithoutSemanticCache_NotCachedUnlessAsked()
    {
        var key = await CreateManagedKeyAsync(new JsonObject { ["name"] = "no-semantic" });

        var result = await Chat(key).CompleteChatAsync([new UserChatMessage("What is the largest ocean?")], new ChatCompletionOptions { Temperature = 0 });

        Assert.False(result.GetRawResponse().Headers.TryGetValue("x-gateway-cache", out _));
    }

    [Theory]
    [InlineData("{\"name\":\"t1\",\"semantic_cache_threshold\":0.2}", "semantic_cache_threshold")]
    [InlineData("{\"name\":\"t2\",\"semantic_cache_threshold\":1.5}", "semantic_cache_threshold")]
    [InlineData("{\"name\":\"t3\",\"cache_tenant\":\"\"}", "cache_tenant")]
    [InlineData("{\"name\":\"t4\",\"cache_tenant\":\"a\\u0000b\"}", "cache_tenant")]
    public async Task CreateKey_BadSemanticCacheSettings_400NamingTheField(string body, string param)
    {
        using var client = _gateway.CreateClient(AdminKey);

        using var response = await client.PostAsync("/admin/keys", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(("invalid_request_error", param), (error["type"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
    }

    private async Task<string> CreateManagedKeyAsync(JsonObject request)
    {
        using var client = _gateway.CreateClient(AdminKey);
        using var response = await client.PostAsync("/admin/keys", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
    }

    internal static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private ChatClient Chat(string key) => _gateway.CreateOpenAIClient(key).GetChatClient("alpha");

    private static async Task<(string? Cache, string? Similarity, string Answer)> AskAsync(ChatClient chat, string question)
    {
        ClientResult<ChatCompletion> result = await chat.CompleteChatAsync([new UserChatMessage(question)], new ChatCompletionOptions { Temperature = 0 });
        var headers = result.GetRawResponse().Headers;
        headers.TryGetValue("x-gateway-cache", out var cache);
        headers.TryGetValue("x-gateway-cache-similarity", out var similarity);
        return (cache, similarity, result.Value.Content[0].Text);
    }

    private static async Task<string> StreamAsync(ChatClient chat, string question, ChatCompletionOptions options)
    {
        var text = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(question)], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        return text.ToString();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string key, string body, string? cache)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        if (cache is not null)
        {
            request.Headers.Add("x-gateway-cache", cache);
        }

        return client.SendAsync(request);
    }

    // Answers "answer to: <last user message>", streamed as two chunks when asked; "please fail" gets a 400.
    internal static async Task AnswerWithTheQuestionAsync(HttpContext context)
    {
        var request = FakeUpstream.RecordedOf(context).Json!.AsObject();
        var question = request["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>();
        if (question == "please fail")
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "refused", type = "invalid_request_error", param = (string?)null, code = "refused" } });
            return;
        }

        var answer = "answer to: " + question;
        if (request["stream"]?.GetValue<bool>() == true)
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var piece in new[] { answer[..10], answer[10..] })
            {
                var chunk = new JsonObject
                {
                    ["id"] = "c1",
                    ["object"] = "chat.completion.chunk",
                    ["created"] = 1,
                    ["model"] = "alpha",
                    ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = piece }, ["finish_reason"] = null }),
                };
                await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            id = "c1",
            @object = "chat.completion",
            created = 1,
            model = "alpha",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 5, completion_tokens = 5, total_tokens = 10 },
        });
    }
}
