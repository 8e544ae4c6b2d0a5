using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// The model server's prefix cache with real LLamaSharp processes: a prompt prefix another request decoded is taken
/// from the cache (reported as usage's <c>cached_tokens</c>), and the text is the same as when it is decoded again.
/// <c>prefix</c> and <c>nocache</c> serve the same tiny model, with the cache and without.
/// </summary>
[Collection(LocalModelCollection.Name)]
public sealed class PrefixCacheTests(LocalModelFixture fixture)
{
    private static object Body(string model, object[] messages, int maxTokens, int seed, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = messages,
            ["max_tokens"] = maxTokens,
            ["seed"] = seed,
            ["logit_bias"] = Chat.NoEnd,
        };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }
        return body;
    }

    private static object[] Ask(string text) => [new { role = "user", content = text }];

    private static int PromptTokens(JsonDocument response) => response.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();

    private static int Cached(JsonElement usage) => usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();

    private static int Cached(JsonDocument response) => Cached(response.RootElement.GetProperty("usage"));

    [Fact]
    public async Task Chat_RepeatedPrompt_TakesItFromTheCacheAndWritesTheSameText()
    {
        var prompt = Ask($"Repeat after me: {Guid.NewGuid():N}");
        var hitsBefore = (await fixture.HealthAsync("prefix")).GetProperty("prefix_cache_hits").GetInt64();

        using var first = await fixture.ChatAsync("prefix", Body("prefix", prompt, 300, 11));
        using var second = await fixture.ChatAsync("prefix", Body("prefix", prompt, 300, 11));
        using var cold = await fixture.ChatAsync("nocache", Body("nocache", prompt, 300, 11));
        var health = await fixture.HealthAsync("prefix");
        var coldHealth = await fixture.HealthAsync("nocache");

        // The first shares at most a chat template's opening with earlier requests; the second all but the two
        // tokens that are always decoded.
        Assert.True(Cached(first) < 16, $"first request: {Cached(first)} cached tokens");
        Assert.Equal(PromptTokens(second) - 2, Cached(second));
        Assert.Equal(0, Cached(cold));
        Assert.Equal(Chat.Content(cold), Chat.Content(first));
        Assert.Equal(Chat.Content(cold), Chat.Content(second));
        Assert.True(Chat.Content(second).Length > 100, Chat.Content(second));
        Assert.True(health.GetProperty("prefix_cache_hits").GetInt64() > hitsBefore);
        Assert.True(health.GetProperty("prefix_cache").GetBoolean());
        Assert.False(coldHealth.GetProperty("prefix_cache").GetBoolean());
        Assert.Equal(0, coldHealth.GetProperty("prefix_cache_hits").GetInt64());
    }

    /// <summary>
    /// A conversation's next turn sends the earlier turns again; their tokens are still in the cache of the sequence
    /// that answered the first turn, and the answer is the same as a server without the cache writes.
    /// </summary>
    [Fact]
    public async Task Chat_NextTurnOfAConversation_ReusesTheFirstTurnsCache()
    {
        var system = new { role = "system", content = $"You answer in few words. Conversation {Guid.NewGuid():N}." };
        var question = new { role = "user", content = "What is the tallest mountain?" };
        using var turn1 = await fixture.ChatAsync("prefix", Body("prefix", [system, question], 20, 3));
        object[] history = [system, question, new { role = "assistant", content = "Everest." }, new { role = "user", content = "And the second tallest?" }];

        using var turn2 = await fixture.ChatAsync("prefix", Body("prefix", history, 200, 4));
        using var cold = await fixture.ChatAsync("nocache", Body("nocache", history, 200, 4));

        Assert.True(Cached(turn2) >= PromptTokens(turn1) - 2, $"{Cached(turn2)} cached of the first turn's {PromptTokens(turn1)} prompt tokens");
        Assert.True(Cached(turn2) < PromptTokens(turn2));
        Assert.Equal(Chat.Content(cold), Chat.Content(turn2));
    }

    /// <summary>
    /// Two identical seeded requests at once: the later one copies the prompt the other decodes (waiting for it, if it
    /// has not decoded it yet), and both write the same text. A keeper stream decodes beside them to the end, so that
    /// neither decodes alone (one sequence alone takes llama.cpp's matrix-vector path, whose last bits differ).
    /// </summary>
    [Fact]
    public async Task Chat_TwoRequestsWithOnePromptAtOnce_TheSecondCopiesTheFirstsPrefix()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("prefix");
        var prompt = $"A long shared system prompt that many requests send: {Guid.NewGuid():N}. " + string.Concat(Enumerable.Repeat("Answer briefly and politely. ", 6));
        var twin = Body("prefix", Ask(prompt), 600, 9, new { stream = true, stream_options = new { include_usage = true } });

        await using var keeper = await RunningStream.StartAsync(fixture.Http, baseUri, Body("prefix", Ask("Keeper"), 3000, 2, new { stream = true }));
        var twins = await Task.WhenAll(RunningStream.StartAsync(fixture.Http, baseUri, twin), RunningStream.StartAsync(fixture.Http, baseUri, twin));
        var texts = await Task.WhenAll(twins.Select(t => t.ReadToEndAsync()));
        await keeper.DisposeAsync();
        foreach (var t in twins)
        {
            await t.DisposeAsync();
        }

        var usages = twins.Select(t => t.Usage!.Value).ToArray();
        var promptTokens = usages[0].GetProperty("prompt_tokens").GetInt32();
        Assert.True(promptTokens > 100, $"{promptTokens} prompt tokens");
        Assert.Equal(promptTokens - 2, usages.Max(Cached));
        Assert.Equal(texts[0], texts[1]);
        Assert.True(texts[0].Length > 200, $"short text: {texts[0].Length} characters");
    }

    /// <summary>A prompt whose log probabilities are asked for is decoded in full: each position needs its logits.</summary>
    [Fact]
    public async Task Completion_EchoedPromptWithLogprobs_IsNotTakenFromTheCache()
    {
        var prompt = $"Score every token of {Guid.NewGuid():N}";
        var scoredBody = new { prompt, max_tokens = 0, echo = true, logprobs = 1 };

        // The same prompt first, unscored, so that its cache is there to be taken.
        using var plain = await Complete("prefix", new { prompt, max_tokens = 4 });
        using var scored = await Complete("prefix", scoredBody);
        using var cold = await Complete("nocache", scoredBody);

        Assert.Equal(0, Cached(scored));
        Assert.Equal(TokenLogprobs(cold), TokenLogprobs(scored));
        Assert.True(TokenLogprobs(scored).Length >= PromptTokens(scored) - 1, string.Join(", ", TokenLogprobs(scored)));
    }

    private static double[] TokenLogprobs(JsonDocument response) =>
        [.. response.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Number).Select(p => p.GetDouble())];

    private async Task<JsonDocument> Complete(string model, object body)
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync(model);
        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "completions"), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }
}
