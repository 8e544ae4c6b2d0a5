using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Inference.Pool;
using Gateway.TestUtilities;
using OpenAI.Chat;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// Local models served through the gateway's front door: real gateway on Kestrel, real pool, real
/// Gateway.ModelServer processes running LLamaSharp on the tiny GGUF, the OpenAI SDK as the client.
/// </summary>
public sealed class FrontDoorLocalModelTests(GatewayLocalModelFixture fixture) : IClassFixture<GatewayLocalModelFixture>
{
    private ChatClient Tiny => fixture.Gateway.CreateOpenAIClient().GetChatClient("tiny");

#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; the model server honours it.
    private static ChatCompletionOptions Options(int maxTokens, long seed) => new() { MaxOutputTokenCount = maxTokens, Seed = seed };
#pragma warning restore OPENAI001

    [Fact]
    public async Task CompleteChat_OpenAISdk_ReturnsTextUsageAndLengthAtMaxTokens()
    {
        ChatCompletion completion = await Tiny.CompleteChatAsync([new UserChatMessage("Hello, how are you?")], Options(12, 1));

        Assert.NotEmpty(completion.Content[0].Text);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(12, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 5);
        Assert.Equal(completion.Usage.InputTokenCount + 12, completion.Usage.TotalTokenCount);
    }

    /// <summary>The second time a prompt comes, the model server takes it from its prefix cache, and the SDK reads that from usage.</summary>
    [Fact]
    public async Task CompleteChat_SamePromptTwice_SecondReportsCachedPromptTokens()
    {
        List<ChatMessage> messages = [new SystemChatMessage($"Session {Guid.NewGuid():N}"), new UserChatMessage("What can you do?")];

        ChatCompletion first = await Tiny.CompleteChatAsync(messages, Options(8, 5));
        ChatCompletion second = await Tiny.CompleteChatAsync(messages, Options(8, 5));

        Assert.True(first.Usage.InputTokenDetails.CachedTokenCount < 16);
        Assert.Equal(second.Usage.InputTokenCount - 2, second.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(first.Content[0].Text, second.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChatStreaming_OpenAISdk_ArrivesInChunksThatJoinToTheNonStreamingText()
    {
        ChatCompletion whole = await Tiny.CompleteChatAsync([new UserChatMessage("Tell me a story")], Options(30, 11));

        var text = new StringBuilder();
        var chunks = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Tiny.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")], Options(30, 11)))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                chunks++;
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.True(chunks > 3, $"{chunks} content chunks");
        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(30, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChat_Seed_SameSeedSameText_OtherSeedOtherText()
    {
        var a = (await Tiny.CompleteChatAsync([new UserChatMessage("Pick a word")], Options(24, 42))).Value.Content[0].Text;
        var b = (await Tiny.CompleteChatAsync([new UserChatMessage("Pick a word")], Options(24, 42))).Value.Content[0].Text;
        var c = (await Tiny.CompleteChatAsync([new UserChatMessage("Pick a word")], Options(24, 43))).Value.Content[0].Text;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task CompleteChat_StopSequence_EndsTheTextBeforeItWithFinishReasonStop()
    {
        var text = (await Tiny.CompleteChatAsync([new UserChatMessage("Say something")], Options(60, 5))).Value.Content[0].Text;
        // A stop string the seeded output is known to contain: its first three-letter run after the start.
        var at = Enumerable.Range(2, Math.Max(0, text.Length - 5))
            .First(i => text.Substring(i, 3).All(char.IsAsciiLetter) && text.IndexOf(text.Substring(i, 3), StringComparison.Ordinal) == i);
        var options = Options(60, 5);
        options.StopSequences.Add(text.Substring(at, 3));

        ChatCompletion stopped = await Tiny.CompleteChatAsync([new UserChatMessage("Say something")], options);

        Assert.Equal(text[..at], stopped.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task CompleteChat_JsonObjectFormat_ContentParsesAsAJsonObject()
    {
        var options = Options(400, 2);
        options.ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat();

        ChatCompletion completion = await Tiny.CompleteChatAsync([new UserChatMessage("Reply in JSON")], options);

        using var json = JsonDocument.Parse(completion.Content[0].Text);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task CompleteChat_JsonSchemaFormat_ContentHasTheRequiredFieldsAndTypes()
    {
        var schema = BinaryData.FromObjectAsJson(new
        {
            type = "object",
            properties = new
            {
                name = new { type = "string", maxLength = 8 },
                age = new { type = "integer" },
                tags = new { type = "array", items = new { type = "string", @enum = new[] { "x", "y" } }, maxItems = 2 },
            },
            required = new[] { "name", "age", "tags" },
        });
        var options = Options(400, 4);
        options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", schema);

        ChatCompletion completion = await Tiny.CompleteChatAsync([new UserChatMessage("Describe a person")], options);

        using var json = JsonDocument.Parse(completion.Content[0].Text);
        Assert.True(json.RootElement.GetProperty("name").GetString()!.Length <= 8);
        Assert.True(json.RootElement.GetProperty("age").TryGetInt64(out _));
        Assert.All(json.RootElement.GetProperty("tags").EnumerateArray(), t => Assert.Contains(t.GetString(), new[] { "x", "y" }));
    }

    [Fact]
    public async Task CompleteChat_StrictSchemaWithPatternAndFormat_ContentMatchesThem()
    {
        var schema = BinaryData.FromString("""
            {"type":"object","properties":{"sku":{"type":"string","pattern":"^[A-Z]{3}[0-9]{4}$"},"due":{"type":"string","format":"date"}},
             "required":["sku","due"],"additionalProperties":false}
            """);
        var options = Options(400, 6);
        options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("order", schema, jsonSchemaIsStrict: true);

        ChatCompletion completion = await Tiny.CompleteChatAsync([new UserChatMessage("An order")], options);

        using var json = JsonDocument.Parse(completion.Content[0].Text);
        Assert.Matches("^[A-Z]{3}[0-9]{4}$", json.RootElement.GetProperty("sku").GetString());
        Assert.Matches("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", json.RootElement.GetProperty("due").GetString());
    }

    [Fact]
    public async Task CompleteChat_ToolChoiceRequired_ReturnsAToolCallWhoseArgumentsMatchTheSchema()
    {
        var options = Options(400, 3);
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", Chat.WeatherParameters));
        options.ToolChoice = ChatToolChoice.CreateRequiredChoice();

        ChatCompletion completion = await Tiny.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        AssertWeatherArguments(arguments.RootElement);
    }

    [Fact]
    public async Task CompleteChatStreaming_NamedTool_StreamsArgumentsThatMatchTheSchema()
    {
        var options = Options(400, 8);
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", Chat.WeatherParameters));
        options.Tools.Add(ChatTool.CreateFunctionTool("get_time", null, BinaryData.FromString("""{"type":"object","properties":{}}""")));
        options.ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather");

        string? name = null;
        var arguments = new StringBuilder();
        var argumentChunks = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in Tiny.CompleteChatStreamingAsync([new UserChatMessage("Weather?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                if (call.FunctionArgumentsUpdate is { } delta && !delta.ToMemory().IsEmpty)
                {
                    arguments.Append(delta.ToString());
                    argumentChunks++;
                }
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.True(argumentChunks > 1, $"{argumentChunks} argument chunks");
        using var parsed = JsonDocument.Parse(arguments.ToString());
        AssertWeatherArguments(parsed.RootElement);
    }

    [Fact]
    public async Task ChatStreaming_FourConcurrentThroughTheGateway_AreDecodedInOneBatch()
    {
        var streams = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            fixture.OpenStreamAsync(Chat.Body($"Stream {i}", 16000, i, new { stream = true, logit_bias = Chat.NoEnd }))));
        var readers = streams.Select(s => Chat.ReadEventsAsync(s).GetAsyncEnumerator()).ToList();
        try
        {
            // Two events from every stream: all four hold a sequence of the same server at once.
            foreach (var reader in readers)
            {
                Assert.True(await reader.MoveNextAsync());
                Assert.True(await reader.MoveNextAsync());
            }
            var during = await fixture.ServerHealthAsync("tiny");

            Assert.All(streams, s => Assert.Equal("tiny", s.Headers.GetValues("x-gateway-model").Single()));
            Assert.Equal(4, during.GetProperty("active").GetInt32());
            Assert.Equal(4, during.GetProperty("peak_batch_sequences").GetInt32());
        }
        finally
        {
            foreach (var (reader, stream) in readers.Zip(streams))
            {
                await reader.DisposeAsync();
                stream.Dispose();
            }
        }
        await WaitForIdleAsync("tiny");
    }

    [Fact]
    public async Task Chat_BeyondTheQueueLimit_Returns429WithRetryAfter()
    {
        var stream = await fixture.OpenStreamAsync(Chat.Body("Long story", 16000, 1, new { model = "single", stream = true, logit_bias = Chat.NoEnd }));
        var reader = Chat.ReadEventsAsync(stream).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());

        // One sequence, no queue: the stream holds it, so the second request is refused.
        using var refused = await fixture.PostChatAsync(Chat.Body("Me too", 4, 1, new { model = "single" }));
        var error = await refused.Content.ReadFromJsonAsync<JsonElement>();
        await reader.DisposeAsync();
        stream.Dispose();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("rate_limit_error", error.GetProperty("error").GetProperty("type").GetString());
        await WaitForIdleAsync("single");
    }

    [Fact]
    public async Task ChatStreaming_CancelledByTheClient_FreesTheOnlySlotForTheNextRequest()
    {
        var cancelledBefore = fixture.Pool.Get("single").State == LocalModelState.Ready
            ? (await fixture.ServerHealthAsync("single")).GetProperty("cancelled_requests").GetInt64()
            : 0;
        using (var cancellation = new CancellationTokenSource())
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(Chat.Body("Long story", 16000, 2, new { model = "single", stream = true, logit_bias = Chat.NoEnd })),
            };
            using var response = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation.Token);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsStreamAsync(cancellation.Token);
            Assert.True(await body.ReadAsync(new byte[64], cancellation.Token) > 0);
            await cancellation.CancelAsync();
        }

        // The slot is taken until the gateway and the server see the disconnect; once the server is idle, it must serve.
        await WaitForIdleAsync("single");
        using (var next = await fixture.PostChatAsync(Chat.Body("Now me", 4, 1, new { model = "single" })))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            var answer = await next.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("length", answer.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        }
        Assert.True((await fixture.ServerHealthAsync("single")).GetProperty("cancelled_requests").GetInt64() > cancelledBefore);
    }

    /// <summary>A one-off crash restarts the server at once; a second one soon after is a crash loop and backs off.</summary>
    [Fact]
    public async Task Chat_ModelServerKilledTwice_FirstRestartsAtOnce_SecondIs503WhileBackingOff()
    {
        using (var first = await fixture.PostChatAsync(Chat.Body("Before", 4, 1, new { model = "crash" })))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var firstPid = fixture.Pool.Get("crash").ProcessId!.Value;

        var restarted = Endpoint("crash", up: true);
        Kill(firstPid);
        await restarted.WaitAsync(TimeSpan.FromSeconds(60));
        using var afterOneCrash = await fixture.PostChatAsync(Chat.Body("After one", 4, 1, new { model = "crash" }));
        var secondPid = fixture.Pool.Get("crash").ProcessId!.Value;

        var down = Endpoint("crash", up: false);
        var restartedAgain = Endpoint("crash", up: true);
        Kill(secondPid);
        await down.WaitAsync(TimeSpan.FromSeconds(60));
        using var whileLooping = await fixture.PostChatAsync(Chat.Body("While down", 4, 1, new { model = "crash" }));
        var error = (await whileLooping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        await restartedAgain.WaitAsync(TimeSpan.FromSeconds(60));
        using var afterBackoff = await fixture.PostChatAsync(Chat.Body("After", 4, 1, new { model = "crash" }));

        Assert.Equal(HttpStatusCode.OK, afterOneCrash.StatusCode);
        Assert.NotEqual(firstPid, secondPid);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileLooping.StatusCode);
        Assert.Equal("model_unavailable", error.GetProperty("code").GetString());
        Assert.Contains("'crash'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("exited unexpectedly", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotNull(whileLooping.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, afterBackoff.StatusCode);
        Assert.Equal(2, fixture.Pool.Get("crash").Restarts);
    }

    private Task<Uri?> Endpoint(string model, bool up)
    {
        var changed = new TaskCompletionSource<Uri?>(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Pool.EndpointChanged += (_, e) =>
        {
            if (e.Model == model && (e.BaseUri is not null) == up)
            {
                changed.TrySetResult(e.BaseUri);
            }
        };
        return changed.Task;
    }

    private static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("garbage", "failed to load")]
    public async Task Chat_UnloadableGguf_503NamingTheProblem_AndTheGatewayKeepsServing(string model, string problem)
    {
        using var response = await fixture.PostChatAsync(Chat.Body("Hello", 4, 1, new { model }));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        using var healthy = await fixture.PostChatAsync(Chat.Body("Still there?", 4, 1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("model_unavailable", error.GetProperty("code").GetString());
        Assert.Contains($"'{model}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(problem, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task Chat_AutoWithoutARouter_FallsBackToTheDefaultLocalModel()
    {
        using var response = await fixture.PostChatAsync(Chat.Body("Route me", 4, 1, new { model = "auto" }));
        var answer = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tiny", response.Headers.GetValues("x-gateway-model").Single());
        Assert.Equal("fallback", response.Headers.GetValues("x-gateway-route-score").Single());
        Assert.Equal(4, JsonDocument.Parse(answer).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_SecondModelOverTheMemoryBudget_UnloadsTheIdleFirstModel()
    {
        var size = new FileInfo(fixture.ModelPath).Length;
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Pool:MemoryBudgetBytes"] = (size * 3 / 2).ToString(CultureInfo.InvariantCulture),
            ["Gateway:Pool:MemoryFactor"] = "1.0",
            ["Gateway:Models:first:Provider"] = "local",
            ["Gateway:Models:first:Path"] = fixture.ModelPath,
            ["Gateway:Models:second:Provider"] = "local",
            ["Gateway:Models:second:Path"] = fixture.ModelPath,
        });
        using var http = gateway.CreateClient();

        using var first = await http.PostAsJsonAsync("/v1/chat/completions", Chat.Body("One", 4, 1, new { model = "first" }));
        var afterFirst = await StatesAsync(http);
        using var second = await http.PostAsJsonAsync("/v1/chat/completions", Chat.Body("Two", 4, 1, new { model = "second" }));
        var afterSecond = await StatesAsync(http);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("ready", afterFirst["first"]);
        Assert.Equal("unloaded", afterFirst["second"]);
        Assert.Equal("unloaded", afterSecond["first"]);
        Assert.Equal("ready", afterSecond["second"]);
    }

    private static async Task<Dictionary<string, string>> StatesAsync(HttpClient http)
    {
        var models = await http.GetFromJsonAsync<JsonElement>("/admin/models");
        return models.EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("state").GetString()!);
    }

    [Fact]
    public async Task CompleteChat_OpenAISdkLogProbabilities_OneEntryPerTokenWithTheAskedAlternatives()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 10, Temperature = 0, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 };

        ChatCompletion completion = await Tiny.CompleteChatAsync([new UserChatMessage("Tell me about the sea")], options);

        var tokens = completion.ContentTokenLogProbabilities;
        Assert.Equal(completion.Usage.OutputTokenCount, tokens.Count);
        Assert.NotEmpty(tokens);
        Assert.All(tokens, t => Assert.Equal(3, t.TopLogProbabilities.Count));
        Assert.All(tokens, t => Assert.Equal(t.TopLogProbabilities[0].LogProbability, t.LogProbability));
        Assert.Equal(completion.Content[0].Text, Encoding.UTF8.GetString(tokens.SelectMany(t => t.Utf8Bytes!.Value.ToArray()).ToArray()));
    }

    [Fact]
    public async Task Embeddings_OpenAISdk_UnitVectorsThatDifferByText()
    {
        var client = fixture.Gateway.CreateOpenAIClient().GetEmbeddingClient("tiny");

        var result = await client.GenerateEmbeddingsAsync(["hello world", "the city"]);

        var vectors = result.Value.Select(e => e.ToFloats().ToArray()).ToList();
        Assert.Equal(2, vectors.Count);
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3));
        Assert.NotEqual(vectors[0], vectors[1]);
    }

    [Fact]
    public async Task Embeddings_Base64_DecodesToTheSameFloatsAsTheJsonNumbers()
    {
        async Task<JsonElement> EmbedAsync(object body)
        {
            using var response = await fixture.Http.PostAsJsonAsync("/v1/embeddings", body);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
            return json.GetProperty("data")[0].GetProperty("embedding");
        }

        var numbers = await EmbedAsync(new { model = "tiny", input = "hello world", encoding_format = "float" });
        var encoded = await EmbedAsync(new { model = "tiny", input = "hello world", encoding_format = "base64" });

        Assert.Equal(JsonValueKind.String, encoded.ValueKind);
        var bytes = Convert.FromBase64String(encoded.GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();
        Assert.Equal(numbers.EnumerateArray().Select(v => v.GetSingle()).ToArray(), decoded);
    }

    [Fact]
    public async Task Embeddings_OpenAITokenIds_AreEmbeddedAsTheTextTheyDecodeTo()
    {
        async Task<float[][]> EmbedAsync(object input)
        {
            using var response = await fixture.Http.PostAsJsonAsync("/v1/embeddings", new { model = "tiny", input });
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
            return [.. json.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        }

        // "hello world" and "the café" in cl100k_base, as tiktoken (and so LangChain's OpenAIEmbeddings) sends them.
        var texts = await EmbedAsync(new[] { "hello world", "the café" });
        var one = await EmbedAsync(new[] { 15339, 1917 });
        var many = await EmbedAsync(new[] { new[] { 15339, 1917 }, new[] { 1820, 53050 } });

        Assert.Equal(texts[0], Assert.Single(one));
        Assert.Equal(texts, many);
    }

    [Theory]
    [InlineData("""{"model":"tiny","input":"x","encoding_format":"hex"}""", "encoding_format")]
    [InlineData("""{"model":"tiny","input":[15339,200000]}""", "input")]
    [InlineData("""{"model":"tiny","input":[[15339],[]]}""", "input")]
    [InlineData("""{"model":"tiny","input":[15339,"world"]}""", "input")]
    [InlineData("""{"model":"tiny","input":"x","dimensions":3}""", "dimensions")]
    [InlineData("""{"model":"tiny","input":"x","dimensions":0}""", "dimensions")]
    public async Task Embeddings_BadInputFormatOrDimensions_Is400NamingTheParameter(string body, string param)
    {
        using var response = await fixture.Http.PostAsync("/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    private static void AssertWeatherArguments(JsonElement arguments)
    {
        Assert.Equal(JsonValueKind.String, arguments.GetProperty("city").ValueKind);
        Assert.Contains(arguments.GetProperty("unit").GetString(), new[] { "c", "f" });
        Assert.True(arguments.GetProperty("days").TryGetInt64(out _));
    }

    /// <summary>
    /// Waits until no sequence is decoding and nothing is queued: a request whose client left is counted in one
    /// or the other until the server has let it go.
    /// </summary>
    private async Task WaitForIdleAsync(string model)
    {
        // The server announces nothing: its health is read until it is idle. A sequence that is never freed never
        // comes back at all, so the backstop only ends a broken run.
        await Poll.UntilAsync(async () =>
        {
            var health = await fixture.ServerHealthAsync(model);
            return health.GetProperty("active").GetInt32() == 0 && health.GetProperty("queued").GetInt32() == 0;
        }, $"'{model}' still has active or queued requests");
    }
}
