using Gateway.IntegrationTests.FrontDoor;
using Gateway.TestUtilities;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.SharedState;

/// <summary>The semantic cache in Redis: two gateway replicas on one real redis-server, keys <c>a</c> and <c>b</c> opting in.</summary>
public sealed class SemanticCacheSharedStateTests : IAsyncLifetime
{
    private const string KeyA = "sk-shared-semantic-a";
    private const string KeyB = "sk-shared-semantic-b";

    private RedisServer _redis = null!;
    private FakeUpstream _upstream = null!;
    private GatewayTestHost _first = null!;
    private GatewayTestHost _second = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _upstream = await FakeUpstream.StartAsync("shared");
        _upstream.Handler = SemanticCacheTests.AnswerWithTheQuestionAsync;
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Redis:ConnectionString"] = _redis.ConnectionString,
            ["Gateway:Redis:Prefix"] = $"test-{Guid.NewGuid():N}:",
            ["Gateway:Models:alpha:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Gateway:Keys:a:Hash"] = SemanticCacheTests.Hash(KeyA),
            ["Gateway:Keys:a:SemanticCache"] = "true",
            ["Gateway:Keys:b:Hash"] = SemanticCacheTests.Hash(KeyB),
            ["Gateway:Keys:b:SemanticCache"] = "true",
            ["Gateway:Keys:b:SemanticCacheThreshold"] = "0.5",
        };
        _first = await GatewayTestHost.StartAsync(settings);
        _second = await GatewayTestHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task CompleteChat_ParaphraseOnOtherReplica_HitsButNeverForAnotherKey()
    {
        await AskAsync(_first, KeyA, "What is the capital of France?");

        var paraphrase = await AskAsync(_second, KeyA, "Which city is the capital of France?");
        var otherKey = await AskAsync(_second, KeyB, "What is the capital of France?");

        Assert.Equal(("semantic-hit", "answer to: What is the capital of France?"), paraphrase);
        Assert.Equal(("semantic-miss", "answer to: What is the capital of France?"), otherKey);
        Assert.Equal(2, _upstream.Requests.Count);
    }

    private static async Task<(string? Cache, string Answer)> AskAsync(GatewayTestHost gateway, string key, string question)
    {
        var result = await gateway.CreateOpenAIClient(key).GetChatClient("alpha").CompleteChatAsync([new UserChatMessage(question)], new ChatCompletionOptions { Temperature = 0 });
        result.GetRawResponse().Headers.TryGetValue("x-gateway-cache", out var cache);
        return (cache, result.Value.Content[0].Text);
    }
}
