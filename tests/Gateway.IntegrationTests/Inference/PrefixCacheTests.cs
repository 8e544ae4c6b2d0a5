using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// The model server's prefix cache with real LLamaSharp processes: a prompt prefix another request decoded is taken
/// from the cache (reported as usage's <c>cached_tokens</c>), and the next token's probabilities are those of the
/// prompt decoded again.
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

    /// <summary>
    /// Starts each test from a <c>prefix</c> server with empty caches and an idle <c>nocache</c> server, so that what a
    /// test's requests take from the cache comes from that test alone, and no stream of an earlier test decodes beside
    /// them.
    /// </summary>
    private async Task FreshServersAsync()
    {
        await fixture.Pool.UnloadAsync("prefix");
        await fixture.Pool.EnsureStartedAsync("prefix");
        await fixture.WaitForIdleAsync("nocache");
    }

    private static int PromptTokens(JsonDocument response) => response.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();

    private static int Cached(JsonDocument response) =>
        response.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();

    /// <summary>
    /// The log probabilities of the first answer token's 20 likeliest alternatives: a prompt taken from the cache must
    /// give the same as the prompt decoded in full, within <see cref="Tolerance"/>.
    /// </summary>
    private static Dictionary<string, double> FirstTokenLogprobs(JsonDocument response) =>
        response.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content")[0].GetProperty("top_logprobs").EnumerateArray()
            .GroupBy(t => string.Join(",", t.GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32())))
            .ToDictionary(g => g.Key, g => g.First().GetProperty("logprob").GetDouble());

    /// <summary>
    /// Cached keys and values are stored as f16 and were computed in other batches than a fresh decode's, so the log
    /// probabilities differ by about 0.001; changing one character of an earlier turn moves them by about 0.04.
    /// </summary>
    private const double Tolerance = 0.01;

    private static void AssertSameNextToken(JsonDocument expected, JsonDocument actual)
    {
        var e = FirstTokenLogprobs(expected);
        var a = FirstTokenLogprobs(actual);
        var common = e.Keys.Intersect(a.Keys).ToList();
        Assert.True(common.Count >= 15, $"only {common.Count} of the 20 likeliest first tokens are the same");
        var worst = common.Max(t => Math.Abs(e[t] - a[t]));
        Assert.True(worst < Tolerance, $"first-token log probabilities differ by up to {worst}");
    }

    private static object FirstToken => new { logprobs = true, top_logprobs = 20 };

    [Fact]
    public async Task Chat_RepeatedPrompt_TakesItFromTheCacheWithTheSameNextToken()
    {
        await FreshServersAsync();
        var prompt = Ask($"Repeat after me: {Guid.NewGuid():N}");

        using var first = await fixture.ChatAsync("prefix", Body("prefix", prompt, 1, 11, FirstToken));
        using var second = await fixture.ChatAsync("prefix", Body("prefix", prompt, 1, 11, FirstToken));
        using var longer = await fixture.ChatAsync("prefix", Body("prefix", prompt, 300, 11));
        using var cold = await fixture.ChatAsync("nocache", Body("nocache", prompt, 1, 11, FirstToken));
        var health = await fixture.HealthAsync("prefix");
        var coldHealth = await fixture.HealthAsync("nocache");

        Assert.Equal(0, Cached(first)); // A fresh server: nothing to take.
        Assert.Equal(PromptTokens(second) - 2, Cached(second)); // All but the two tokens that are always decoded.
        Assert.Equal(PromptTokens(longer) - 2, Cached(longer));
        Assert.Equal(0, Cached(cold));
        AssertSameNextToken(cold, first);
        AssertSameNextToken(cold, second);
        Assert.True(Chat.Content(longer).Length > 100, Chat.Content(longer));
        Assert.Equal(2, health.GetProperty("prefix_cache_hits").GetInt64());
        Assert.Equal(2L * (PromptTokens(second) - 2), health.GetProperty("cached_prompt_tokens").GetInt64());
        Assert.True(health.GetProperty("prefix_cache").GetBoolean());
        Assert.False(coldHealth.GetProperty("prefix_cache").GetBoolean());
        Assert.Equal(0, coldHealth.GetProperty("prefix_cache_hits").GetInt64());
    }

    /// <summary>
    /// A conversation's next turn sends the earlier turns again; their tokens are still in the cache of the sequence
    /// that answered the first turn, and the next token is the one a server without the cache gives.
    /// </summary>
    [Fact]
    public async Task Chat_NextTurnOfAConversation_ReusesTheFirstTurnsCache()
    {
        await FreshServersAsync();
        var system = new { role = "system", content = $"You answer in few words. Conversation {Guid.NewGuid():N}." };
        var question = new { role = "user", content = "What is the tallest mountain?" };
        using var turn1 = await fixture.ChatAsync("prefix", Body("prefix", [system, question], 20, 3));
        object[] history = [system, question, new { role = "assistant", content = "Everest." }, new { role = "user", content = "And the second tallest?" }];

        using var turn2 = await fixture.ChatAsync("prefix", Body("prefix", history, 1, 4, FirstToken));
        using var cold = await fixture.ChatAsync("nocache", Body("nocache", history, 1, 4, FirstToken));

        Assert.True(Cached(turn2) >= PromptTokens(turn1) - 2, $"{Cached(turn2)} cached of the first turn's {PromptTokens(turn1)} prompt tokens");
        Assert.True(Cached(turn2) < PromptTokens(turn2));
        AssertSameNextToken(cold, turn2);
    }

    /// <summary>
    /// Two identical requests at once: the later one copies the prompt the other decodes (waiting for it if it has not
    /// decoded it yet, or taking it from the free sequence the other left), and both get the same next token.
    /// </summary>
    [Fact]
    public async Task Chat_TwoRequestsWithOnePromptAtOnce_TheSecondCopiesTheFirstsPrefix()
    {
        await FreshServersAsync();
        var prompt = $"A long shared system prompt that many requests send: {Guid.NewGuid():N}. " + string.Concat(Enumerable.Repeat("Answer briefly and politely. ", 6));
        var twin = Body("prefix", Ask(prompt), 1, 9, FirstToken);

        var twins = await Task.WhenAll(fixture.ChatAsync("prefix", twin), fixture.ChatAsync("prefix", twin));
        using var cold = await fixture.ChatAsync("nocache", Body("nocache", Ask(prompt), 1, 9, FirstToken));

        var promptTokens = PromptTokens(twins[0]);
        Assert.True(promptTokens > 100, $"{promptTokens} prompt tokens");
        Assert.Equal([0, promptTokens - 2], twins.Select(Cached).Order());
        AssertSameNextToken(cold, twins[0]);
        AssertSameNextToken(cold, twins[1]);
        foreach (var t in twins)
        {
            t.Dispose();
        }
    }

    /// <summary>A prompt whose log probabilities are asked for is decoded in full: each position needs its logits.</summary>
    [Fact]
    public async Task Completion_EchoedPromptWithLogprobs_IsNotTakenFromTheCache()
    {
        await FreshServersAsync();
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
