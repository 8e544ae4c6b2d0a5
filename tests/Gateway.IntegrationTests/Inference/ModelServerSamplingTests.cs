using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.ModelServer.Engine;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gateway.IntegrationTests.Inference;

/// <summary>Token log probabilities and the sampling parameters beyond temperature, from a real ModelServer on the tiny GGUF.</summary>
[Collection(LocalModelCollection.Name)]
public sealed class ModelServerSamplingTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task Chat_Logprobs_OneEntryPerTokenWhoseBytesMakeTheContent_GreedyPicksTheTopAlternative()
    {
        using var response = await fixture.ChatAsync("tiny", Chat.Body("Tell me a story", 16, 3, new { temperature = 0, logprobs = true, top_logprobs = 5 }));

        var choice = response.RootElement.GetProperty("choices")[0];
        var tokens = choice.GetProperty("logprobs").GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(response.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), tokens.Count);
        Assert.NotEmpty(tokens);
        Assert.Equal(Chat.Content(response), Encoding.UTF8.GetString([.. tokens.SelectMany(Bytes)]));
        foreach (var token in tokens)
        {
            var top = token.GetProperty("top_logprobs").EnumerateArray().ToList();
            var logprobs = top.Select(t => t.GetProperty("logprob").GetDouble()).ToList();
            Assert.Equal(5, top.Count);
            Assert.All(logprobs, l => Assert.InRange(l, double.NegativeInfinity, 0));
            Assert.Equal(logprobs.OrderDescending(), logprobs);
            Assert.InRange(logprobs.Sum(Math.Exp), 0, 1.0001);

            // Temperature 0 is greedy, so the sampled token is the likeliest one.
            Assert.Equal(Bytes(top[0]), Bytes(token));
            Assert.Equal(logprobs[0], token.GetProperty("logprob").GetDouble());
        }
    }

    [Fact]
    public async Task ChatStreaming_Logprobs_RideOnTheChunksAndMatchTheNonStreamingAnswer()
    {
        var body = new { temperature = 0.8, logprobs = true, top_logprobs = 2, logit_bias = Chat.NoEnd };
        using var whole = await fixture.ChatAsync("tiny", Chat.Body("Once upon a time", 20, 9, body));
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");

        using var stream = await Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Once upon a time", 20, 9,
            new { temperature = 0.8, logprobs = true, top_logprobs = 2, logit_bias = Chat.NoEnd, stream = true }));
        var streamed = new List<JsonElement>();
        var text = new StringBuilder();
        await foreach (var e in Chat.ReadEventsAsync(stream))
        {
            var choice = e.GetProperty("choices")[0];
            if (choice.GetProperty("delta").TryGetProperty("content", out var content))
            {
                text.Append(content.GetString());
            }
            if (choice.GetProperty("logprobs") is { ValueKind: JsonValueKind.Object } logprobs)
            {
                streamed.AddRange(logprobs.GetProperty("content").EnumerateArray());
            }
        }

        var expected = whole.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(20, streamed.Count);
        // The same tokens; the numbers may differ in the last float digits, as the two runs sit in different KV cells.
        Assert.Equal(expected.Select(t => t.GetProperty("token").GetString()), streamed.Select(t => t.GetProperty("token").GetString()));
        Assert.All(expected.Zip(streamed), pair => Assert.Equal(pair.First.GetProperty("logprob").GetDouble(), pair.Second.GetProperty("logprob").GetDouble(), 3));
        Assert.All(streamed, t => Assert.Equal(2, t.GetProperty("top_logprobs").GetArrayLength()));
        Assert.Equal(text.ToString(), Encoding.UTF8.GetString([.. streamed.SelectMany(Bytes)]));
    }

    [Fact]
    public async Task Completion_Logprobs_ParallelListsWithOffsetsFromTheEndOfThePrompt()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        const string Prompt = "The city of";

        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "completions"),
            new { prompt = Prompt, max_tokens = 10, seed = 4, logprobs = 3, logit_bias = Chat.NoEnd });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        var logprobs = json.GetProperty("choices")[0].GetProperty("logprobs");
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        var values = logprobs.GetProperty("token_logprobs").EnumerateArray().Select(t => t.GetDouble()).ToList();
        var top = logprobs.GetProperty("top_logprobs").EnumerateArray().ToList();
        var offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(t => t.GetInt32()).ToList();
        Assert.Equal(10, tokens.Count);
        Assert.Equal([10, 10, 10], new[] { values.Count, top.Count, offsets.Count });
        Assert.Equal(Prompt.Length, offsets[0]);
        for (var i = 1; i < tokens.Count; i++)
        {
            Assert.Equal(offsets[i - 1] + tokens[i - 1].Length, offsets[i]);
        }
        for (var i = 0; i < tokens.Count; i++)
        {
            var alternatives = top[i].EnumerateObject().Select(p => p.Value.GetDouble()).ToList();
            Assert.InRange(alternatives.Count, 1, 3);
            Assert.True(values[i] <= alternatives.Max() + 1e-6, $"token {i} is likelier than every listed alternative");
        }
    }

    [Fact]
    public async Task CompletionStreaming_LogprobsPerChunk_AndAUsageChunkWhenAskedFor()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "completions"))
        {
            Content = JsonContent.Create(new
            {
                prompt = "The city of",
                max_tokens = 12,
                seed = 2,
                logprobs = 1,
                logit_bias = Chat.NoEnd,
                stream = true,
                stream_options = new { include_usage = true },
            }),
        };
        using var response = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var tokens = new List<string>();
        var text = new StringBuilder();
        JsonElement? usage = null;
        await foreach (var e in Chat.ReadEventsAsync(response))
        {
            if (e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                Assert.Equal(0, e.GetProperty("choices").GetArrayLength());
                usage = u;
                continue;
            }
            var choice = e.GetProperty("choices")[0];
            text.Append(choice.GetProperty("text").GetString());
            if (choice.GetProperty("logprobs") is { ValueKind: JsonValueKind.Object } logprobs)
            {
                tokens.AddRange(logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!));
            }
        }

        Assert.NotNull(usage);
        Assert.Equal(12, usage.Value.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(12, tokens.Count);
        Assert.NotEmpty(text.ToString());
    }

    [Fact]
    public async Task Completion_EchoWithLogprobsAndNoTokens_ScoresThePromptAsLLamaSharpInProcessDoes()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        // Longer than the chunk a step scores, so the scores cross decode steps.
        var Prompt = string.Join(' ', Enumerable.Repeat("The city of Paris is large and old.", 12));

        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "completions"), new { prompt = Prompt, max_tokens = 0, echo = true, logprobs = 2 });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        var choice = json.GetProperty("choices")[0];
        Assert.Equal(Prompt, choice.GetProperty("text").GetString());
        Assert.Equal(0, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var served = choice.GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(2, choice.GetProperty("logprobs").GetProperty("top_logprobs")[0].EnumerateObject().Count());

        // The same model in this process: every position's logits, log-softmaxed, at the next prompt token.
        var parameters = new ModelParams(fixture.ModelPath) { ContextSize = 1024, BatchSize = 1024, Threads = 1, BatchThreads = 1 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var tokens = context.Tokenize(Prompt, addBos: true, special: false);
        Assert.Equal(weights.Vocab.BOS, tokens[0]);
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, true);
        }
        Assert.Equal(DecodeResult.Ok, context.Decode(batch));
        var expected = new List<double>();
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            var logits = context.NativeHandle.GetLogitsIth(i).ToArray();
            var max = logits.Max();
            var logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
            expected.Add(logits[(int)tokens[i + 1]] - logSum);
        }

        Assert.Equal(json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), tokens.Length);
        Assert.True(tokens.Length > 2 * BatchScheduler.PromptScoringChunk, $"the prompt is only {tokens.Length} tokens");
        Assert.Equal(expected.Count, served.Count); // The BOS is not listed: nothing predicts it.
        Assert.All(expected.Zip(served), pair => Assert.Equal(pair.First, pair.Second, tolerance: 0.01));
    }

    [Fact]
    public async Task CompletionStreaming_Echo_StartsWithThePromptAndMatchesTheNonStreamingText()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        var body = new Dictionary<string, object> { ["prompt"] = "Once upon", ["max_tokens"] = 6, ["seed"] = 8, ["echo"] = true, ["logit_bias"] = Chat.NoEnd };

        using var whole = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "completions"), body);
        var text = (await whole.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("text").GetString()!;
        body["stream"] = true;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "completions")) { Content = JsonContent.Create(body) };
        using var stream = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var streamed = new StringBuilder();
        await foreach (var e in Chat.ReadEventsAsync(stream))
        {
            streamed.Append(e.GetProperty("choices")[0].GetProperty("text").GetString());
        }

        Assert.StartsWith("Once upon", text, StringComparison.Ordinal);
        Assert.True(text.Length > "Once upon".Length);
        Assert.Equal(text, streamed.ToString());
    }

    [Fact]
    public async Task Completion_PromptArray_OneChoicePerPromptInOrderWithUsageSummed()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        string[] prompts = ["Once upon", "The city of", "Hello there"];

        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "completions"),
            new { prompt = prompts, max_tokens = 5, seed = 3, echo = true, logit_bias = Chat.NoEnd });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var single = await Task.WhenAll(prompts.Select(async p =>
        {
            using var one = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "completions"), new { prompt = p, max_tokens = 5, seed = 3, logit_bias = Chat.NoEnd });
            return (await one.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        }));

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        var choices = json.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        for (var i = 0; i < prompts.Length; i++)
        {
            // Echoed, each choice starts with its own prompt: the answers are not crossed.
            var text = choices[i].GetProperty("text").GetString()!;
            Assert.StartsWith(prompts[i], text, StringComparison.Ordinal);
            Assert.True(text.Length > prompts[i].Length);
            Assert.Equal("length", choices[i].GetProperty("finish_reason").GetString());
        }
        Assert.Equal(15, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(single.Sum(), json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task CompletionStreaming_PromptArray_ChunksCarryTheirChoiceIndex()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        string[] prompts = ["Once upon", "The city of"];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "completions"))
        {
            Content = JsonContent.Create(new
            {
                prompt = prompts,
                max_tokens = 6,
                seed = 5,
                echo = true,
                logit_bias = Chat.NoEnd,
                stream = true,
                stream_options = new { include_usage = true },
            }),
        };
        using var response = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var texts = new[] { new StringBuilder(), new StringBuilder() };
        var finishes = new string?[2];
        var completionTokens = 0;
        await foreach (var e in Chat.ReadEventsAsync(response))
        {
            if (e.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                completionTokens = usage.GetProperty("completion_tokens").GetInt32();
                continue;
            }
            var choice = Assert.Single(e.GetProperty("choices").EnumerateArray());
            var index = choice.GetProperty("index").GetInt32();
            texts[index].Append(choice.GetProperty("text").GetString());
            finishes[index] ??= choice.GetProperty("finish_reason").GetString();
        }

        Assert.StartsWith(prompts[0], texts[0].ToString(), StringComparison.Ordinal);
        Assert.StartsWith(prompts[1], texts[1].ToString(), StringComparison.Ordinal);
        Assert.Equal(new[] { "length", "length" }, finishes.Select(f => f ?? ""));
        Assert.Equal(12, completionTokens);
    }

    [Fact]
    public async Task Chat_FrequencyPenalty_ChangesAGreedyAnswerThatRepeatsItself()
    {
        var body = new { temperature = 0, logit_bias = Chat.NoEnd };
        using var plain = await fixture.ChatAsync("tiny", Chat.Body("Once upon a time", 60, 1, body));
        using var penalised = await fixture.ChatAsync("tiny", Chat.Body("Once upon a time", 60, 1, new { temperature = 0, logit_bias = Chat.NoEnd, frequency_penalty = 2 }));
        using var again = await fixture.ChatAsync("tiny", Chat.Body("Once upon a time", 60, 1, new { temperature = 0, logit_bias = Chat.NoEnd, frequency_penalty = 2 }));

        Assert.NotEqual(Chat.Content(plain), Chat.Content(penalised));
        Assert.Equal(Chat.Content(penalised), Chat.Content(again));
    }

    [Fact]
    public async Task Chat_TopKOneOrMinPOne_IsGreedyWhateverTheSeed()
    {
        object Body(int seed, object extra) => Chat.Body("Once upon a time", 30, seed, extra);
        using var greedy = await fixture.ChatAsync("tiny", Body(1, new { temperature = 0, logit_bias = Chat.NoEnd }));
        using var free = await fixture.ChatAsync("tiny", Body(2, new { temperature = 1.5, top_k = 0, min_p = 0, logit_bias = Chat.NoEnd }));
        using var topK = await fixture.ChatAsync("tiny", Body(3, new { temperature = 1.5, top_k = 1, min_p = 0, logit_bias = Chat.NoEnd }));
        using var minP = await fixture.ChatAsync("tiny", Body(4, new { temperature = 1.5, top_k = 0, min_p = 1, logit_bias = Chat.NoEnd }));

        Assert.NotEqual(Chat.Content(greedy), Chat.Content(free));
        Assert.Equal(Chat.Content(greedy), Chat.Content(topK));
        Assert.Equal(Chat.Content(greedy), Chat.Content(minP));
    }

    [Theory]
    [InlineData("chat/completions", """{"messages":[{"role":"user","content":"x"}],"top_logprobs":2}""", "top_logprobs")]
    [InlineData("chat/completions", """{"messages":[{"role":"user","content":"x"}],"top_k":-1}""", "top_k")]
    [InlineData("chat/completions", """{"messages":[{"role":"user","content":"x"}],"min_p":1.5}""", "min_p")]
    [InlineData("chat/completions", """{"messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21}""", "top_logprobs")]
    [InlineData("chat/completions", """{"messages":[{"role":"user","content":"x"}],"logprobs":"yes"}""", "logprobs")]
    [InlineData("chat/completions", """{"messages":[{"role":"user","content":"x"}],"presence_penalty":2.5}""", "presence_penalty")]
    [InlineData("chat/completions", """{"messages":[{"role":"user","content":"x"}],"frequency_penalty":"high"}""", "frequency_penalty")]
    [InlineData("completions", """{"prompt":"x","logprobs":6}""", "logprobs")]
    [InlineData("completions", """{"prompt":"x","logprobs":true}""", "logprobs")]
    [InlineData("completions", """{"prompt":"x","max_tokens":0}""", "max_tokens")]
    [InlineData("completions", """{"prompt":["x",5]}""", "prompt")]
    [InlineData("completions", """{"prompt":[]}""", "prompt")]
    [InlineData("completions", """{"prompt":"x","echo":"yes"}""", "echo")]
    public async Task BadLogprobsOrPenalty_Is400NamingTheParameter(string path, string body, string param)
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");

        using var response = await fixture.Http.PostAsync(new Uri(baseUri, path), new StringContent(body, Encoding.UTF8, "application/json"));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    private static IEnumerable<byte> Bytes(JsonElement token) => token.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32());
}
