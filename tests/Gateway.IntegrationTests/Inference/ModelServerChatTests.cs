using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.Inference;

[Collection(LocalModelCollection.Name)]
public sealed class ModelServerChatTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task Chat_NonStreaming_ReturnsTextAndUsageThatAddsUp()
    {
        using var response = await fixture.ChatAsync("tiny", Chat.Body("Hello, how are you?", 12, 1));

        var usage = response.RootElement.GetProperty("usage");
        Assert.Equal("chat.completion", response.RootElement.GetProperty("object").GetString());
        Assert.NotEmpty(Chat.Content(response));
        Assert.Equal("assistant", response.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 5);
        Assert.Equal(12, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + 12, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_Streaming_DeltasJoinToTheSameTextAsNonStreaming()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        using var whole = await fixture.ChatAsync("tiny", Chat.Body("Tell me a story", 30, 11));

        using var stream = await Chat.OpenStreamAsync(fixture.Http, baseUri, Chat.Body("Tell me a story", 30, 11, new { stream = true, stream_options = new { include_usage = true } }));
        var text = new StringBuilder();
        string? finish = null;
        var chunks = 0;
        var completionTokens = 0;
        await foreach (var e in Chat.ReadEventsAsync(stream))
        {
            Assert.Equal("chat.completion.chunk", e.GetProperty("object").GetString());
            if (e.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                completionTokens = usage.GetProperty("completion_tokens").GetInt32();
                continue;
            }
            var choice = e.GetProperty("choices")[0];
            if (choice.GetProperty("delta").TryGetProperty("content", out var c))
            {
                text.Append(c.GetString());
            }
            finish ??= choice.GetProperty("finish_reason").GetString();
            chunks++;
        }

        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.True(chunks > 3);
        Assert.Equal(Chat.Content(whole), text.ToString());
        Assert.Equal("length", finish);
        Assert.Equal(30, completionTokens);
    }

    [Fact]
    public async Task Chat_SameSeed_SameText_OtherSeed_OtherText()
    {
        using var a = await fixture.ChatAsync("tiny", Chat.Body("Pick a word", 24, 42));
        using var b = await fixture.ChatAsync("tiny", Chat.Body("Pick a word", 24, 42));
        using var c = await fixture.ChatAsync("tiny", Chat.Body("Pick a word", 24, 43));

        Assert.Equal(Chat.Content(a), Chat.Content(b));
        Assert.NotEqual(Chat.Content(a), Chat.Content(c));
    }

    [Fact]
    public async Task Chat_StopSequence_EndsTheTextBeforeIt()
    {
        using var reference = await fixture.ChatAsync("tiny", Chat.Body("Say something", 60, 5));
        var text = Chat.Content(reference);
        // A stop sequence the model is known to produce: the first three-letter run after the start.
        var at = Enumerable.Range(2, Math.Max(0, text.Length - 5))
            .First(i => text.Substring(i, 3).All(char.IsAsciiLetter) && text.IndexOf(text.Substring(i, 3), StringComparison.Ordinal) == i);
        var stop = text.Substring(at, 3);

        using var stopped = await fixture.ChatAsync("tiny", Chat.Body("Say something", 60, 5, new { stop = new[] { stop } }));

        Assert.Equal(text[..at], Chat.Content(stopped));
        Assert.Equal("stop", Chat.FinishReason(stopped));
    }

    [Fact]
    public async Task Chat_MaxTokensReached_FinishReasonIsLength()
    {
        using var response = await fixture.ChatAsync("tiny", Chat.Body("Go on", 3, 9));

        Assert.Equal("length", Chat.FinishReason(response));
        Assert.Equal(3, response.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_JsonObjectFormat_ContentParsesAsAJsonObject()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            using var response = await fixture.ChatAsync("tiny", Chat.Body("Reply in JSON", 400, seed, new { response_format = new { type = "json_object" } }));

            using var json = JsonDocument.Parse(Chat.Content(response));
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            Assert.Equal("stop", Chat.FinishReason(response));
        }
    }

    [Fact]
    public async Task Chat_JsonSchemaFormat_ContentMatchesTheSchema()
    {
        var schema = new
        {
            type = "object",
            properties = new
            {
                name = new { type = "string", maxLength = 8 },
                age = new { type = "integer" },
                tags = new { type = "array", items = new { type = "string", @enum = new[] { "x", "y" } }, maxItems = 2 },
            },
            required = new[] { "name", "age", "tags" },
        };

        using var response = await fixture.ChatAsync("tiny", Chat.Body("Describe a person", 400, 4,
            new { response_format = new { type = "json_schema", json_schema = new { name = "person", schema } } }));

        using var json = JsonDocument.Parse(Chat.Content(response));
        Assert.True(json.RootElement.GetProperty("name").GetString()!.Length <= 8);
        Assert.True(json.RootElement.GetProperty("age").TryGetInt64(out _));
        Assert.All(json.RootElement.GetProperty("tags").EnumerateArray(), t => Assert.Contains(t.GetString(), new[] { "x", "y" }));
    }

    [Fact]
    public async Task Chat_JsonSchemaWithPatternAndFormats_ContentMatchesThem()
    {
        using var schema = JsonDocument.Parse("""
            {"type":"object","properties":{
              "code":{"type":"string","pattern":"^[A-Z]{2}-[0-9]{3}$"},
              "when":{"type":"string","format":"date-time"},
              "id":{"type":"string","format":"uuid"}}}
            """);

        using var response = await fixture.ChatAsync("tiny", Chat.Body("A ticket", 400, 5,
            new { response_format = new { type = "json_schema", json_schema = new { name = "ticket", schema = schema.RootElement } } }));

        using var json = JsonDocument.Parse(Chat.Content(response));
        Assert.Matches("^[A-Z]{2}-[0-9]{3}$", json.RootElement.GetProperty("code").GetString());
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}", json.RootElement.GetProperty("when").GetString());
        Assert.True(Guid.TryParseExact(json.RootElement.GetProperty("id").GetString(), "D", out _));
    }

    [Fact]
    public async Task Chat_PatternTheGrammarCannotEnforce_Returns400NamingIt()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");
        var schema = new { type = "string", pattern = "(a)\\1" };

        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"),
            Chat.Body("x", 5, 1, new { response_format = new { type = "json_schema", json_schema = new { name = "x", schema } } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("response_format.json_schema.schema", error.GetProperty("param").GetString());
        Assert.Contains("back references", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_JsonGrammar_CompactForATinyModelUnlessConfigured()
    {
        Assert.Equal("compact", (await fixture.HealthAsync("tiny")).GetProperty("json_grammar").GetString());
        Assert.Equal("full", (await fixture.HealthAsync("fulljson")).GetProperty("json_grammar").GetString());
    }

    [Fact]
    public async Task Chat_FullJsonGrammar_BoundedSchemaStillParses()
    {
        using var schema = JsonDocument.Parse("""
            {"type":"object","properties":{"note":{"type":"string","maxLength":20},"n":{"type":"integer","minimum":0,"maximum":99},
             "tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2}}}
            """);

        using var response = await fixture.ChatAsync("fulljson", Chat.Body("A note", 400, 3,
            new { response_format = new { type = "json_schema", json_schema = new { name = "note", schema = schema.RootElement } } }));

        using var json = JsonDocument.Parse(Chat.Content(response));
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("note").ValueKind);
        Assert.InRange(json.RootElement.GetProperty("n").GetInt32(), 0, 99);
        Assert.InRange(json.RootElement.GetProperty("tags").GetArrayLength(), 0, 2);
    }

    [Fact]
    public async Task Chat_JsonSchemaWithAwkwardKeys_ContentStillParses()
    {
        using var doc = JsonDocument.Parse("""{"type":"object","properties":{"say \"hi\"\\now":{"type":"boolean"},"<tag>":{"type":"null"}}}""");

        using var response = await fixture.ChatAsync("tiny", Chat.Body("Awkward", 200, 2,
            new { response_format = new { type = "json_schema", json_schema = new { name = "x", schema = doc.RootElement } } }));

        using var json = JsonDocument.Parse(Chat.Content(response));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("<tag>").ValueKind);
        Assert.Contains(json.RootElement.GetProperty("say \"hi\"\\now").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
    }

    [Fact]
    public async Task Chat_UnsupportedSchema_Returns400AndTheServerKeepsServing()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");

        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"),
            Chat.Body("x", 5, 1, new { response_format = new { type = "json_schema", json_schema = new { name = "x", schema = new { type = "tuple" } } } }));
        using var after = await fixture.ChatAsync("tiny", Chat.Body("still there?", 3, 1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("response_format.json_schema.schema", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("length", Chat.FinishReason(after));
    }

    [Fact]
    public async Task Chat_BadRequest_ReturnsOpenAiShapedError()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");

        using var response = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "chat/completions"), new { messages = Array.Empty<object>(), temperature = 5 });
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task CompletionsModelsAndEmbeddings_Answer()
    {
        var baseUri = await fixture.Pool.EnsureStartedAsync("tiny");

        using var completion = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "completions"), new { prompt = "Once upon", max_tokens = 5, seed = 1 });
        var completionBody = await completion.Content.ReadFromJsonAsync<JsonElement>();
        var models = await fixture.Http.GetFromJsonAsync<JsonElement>(new Uri(baseUri, "models"));
        using var embedding = await fixture.Http.PostAsJsonAsync(new Uri(baseUri, "embeddings"), new { input = new[] { "hello world", "the city" } });
        var embeddingBody = await embedding.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("length", completionBody.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("tiny", models.GetProperty("data")[0].GetProperty("id").GetString());
        var vectors = embeddingBody.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();
        Assert.Equal(2, vectors.Count);
        Assert.Equal(64, vectors[0].Length);
        Assert.Equal(1.0, Math.Sqrt(vectors[0].Sum(v => v * v)), 3);
        Assert.NotEqual(vectors[0], vectors[1]);
    }
}
