using System.Text.Json;
using Gateway.Host.Anthropic;

namespace Gateway.UnitTests.Anthropic;

public sealed class MessagesRequestTests
{
    private static MessagesTranslation Translate(string json, bool countOnly = false, bool passTopK = false)
    {
        using var document = JsonDocument.Parse(json);
        var request = MessagesRequest.Translate(document.RootElement, countOnly, passTopK, out var error);
        Assert.True(request is not null, error?.Message);
        return request!;
    }

    private static Gateway.Errors.GatewayError Refuse(string json, bool countOnly = false)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Null(MessagesRequest.Translate(document.RootElement, countOnly, passTopK: false, out var error));
        Assert.Equal(400, error!.Status);
        return error;
    }

    [Fact]
    public void Translate_ToolRoundTrip_BecomesAssistantToolCallsThenToolMessagesThenUserText()
    {
        var request = Translate("""
            {"model": "m", "max_tokens": 50,
             "system": [{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Use tools.", "cache_control": {"type": "ephemeral"}}],
             "messages": [
              {"role": "user", "content": "Weather in Paris and Rome?"},
              {"role": "system", "content": [{"type": "text", "text": "Answer in Celsius."}]},
              {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "two calls", "signature": "s"},
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_a", "name": "w", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "toolu_b", "name": "w", "input": {"city": "Rome"}}]},
              {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_a", "content": "18 C"},
                {"type": "tool_result", "tool_use_id": "toolu_b", "content": [{"type": "text", "text": "no data"}], "is_error": true},
                {"type": "text", "text": "Thanks."}]}
            ]}
            """);

        var messages = request.Chat["messages"]!.AsArray();
        Assert.Equal(["system", "user", "system", "assistant", "tool", "tool", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("Be brief.\nUse tools.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("Answer in Celsius.", messages[2]!["content"]!.GetValue<string>());
        messages.RemoveAt(2);
        Assert.Equal("Checking.", messages[2]!["content"]!.GetValue<string>());
        var calls = messages[2]!["tool_calls"]!.AsArray();
        Assert.Equal(["toolu_a", "toolu_b"], calls.Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal("{\"city\": \"Paris\"}", calls[0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal(("toolu_a", "18 C"), (messages[3]!["tool_call_id"]!.GetValue<string>(), messages[3]!["content"]!.GetValue<string>()));
        Assert.Equal("Error: no data", messages[4]!["content"]!.GetValue<string>());
        Assert.Equal("Thanks.", messages[5]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Translate_Images_BecomeImageUrlPartsBeside_Text()
    {
        var request = Translate("""
            {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [
              {"type": "text", "text": "Which is bigger?"},
              {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0K"}},
              {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}]}]}
            """);

        var parts = request.Chat["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(["text", "image_url", "image_url"], parts.Select(p => p!["type"]!.GetValue<string>()));
        Assert.Equal("data:image/png;base64,iVBORw0K", parts[1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal("https://example.com/cat.jpg", parts[2]!["image_url"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void Translate_Options_MapToChatNames()
    {
        var request = Translate("""
            {"model": "m", "max_tokens": 64, "temperature": 0.5, "top_p": 0.9, "top_k": 20, "stop_sequences": ["END", "STOP"], "stream": true,
             "metadata": {"user_id": "u1"}, "thinking": {"type": "enabled", "budget_tokens": 8000},
             "tools": [{"name": "w", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
             "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
             "messages": [{"role": "user", "content": "Hi"}]}
            """, passTopK: true);

        var chat = request.Chat;
        Assert.Equal((64, 0.5, 0.9, 20), (chat["max_tokens"]!.GetValue<int>(), chat["temperature"]!.GetValue<double>(), chat["top_p"]!.GetValue<double>(), chat["top_k"]!.GetValue<int>()));
        Assert.Equal(["END", "STOP"], chat["stop"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(["END", "STOP"], request.StopSequences);
        Assert.True(chat["stream"]!.GetValue<bool>() && chat["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal("u1", chat["user"]!.GetValue<string>());
        // 8000 budget tokens: at least 4096, below 16384.
        Assert.Equal("medium", chat["reasoning_effort"]!.GetValue<string>());
        Assert.True(request.Thinking);
        Assert.Equal("w", chat["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("object", chat["tools"]![0]!["function"]!["parameters"]!["type"]!.GetValue<string>());
        Assert.Equal("required", chat["tool_choice"]!.GetValue<string>());
        Assert.False(chat["parallel_tool_calls"]!.GetValue<bool>());
        Assert.All(new[] { "system", "stop_sequences", "metadata", "thinking" }, f => Assert.False(chat.ContainsKey(f), f));
    }

    [Theory]
    [InlineData("""{"type": "auto"}""", "\"auto\"")]
    [InlineData("""{"type": "none"}""", "\"none\"")]
    [InlineData("""{"type": "tool", "name": "w"}""", """{"type":"function","function":{"name":"w"}}""")]
    public void Translate_ToolChoice_MapsToTheChatChoice(string choice, string expected)
    {
        var request = Translate($$$"""
            {"model": "m", "max_tokens": 5, "tools": [{"name": "w", "input_schema": {"type": "object"}}], "tool_choice": {{{choice}}},
             "messages": [{"role": "user", "content": "Hi"}]}
            """);

        Assert.Equal(expected, request.Chat["tool_choice"]!.ToJsonString());
    }

    [Fact]
    public void Translate_TopKForARemoteModel_IsDropped()
    {
        var request = Translate("""{"model": "m", "max_tokens": 5, "top_k": 3, "messages": [{"role": "user", "content": "Hi"}]}""");

        Assert.False(request.Chat.ContainsKey("top_k"));
    }

    [Fact]
    public void Translate_CountTokens_NeedsNoMaxTokensAndNeverStreams()
    {
        var request = Translate("""{"model": "m", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""", countOnly: true);

        Assert.False(request.Stream);
        Assert.False(request.Chat.ContainsKey("stream"));
    }

    [Theory]
    [InlineData("""{"model": "m", "messages": [{"role": "user", "content": "Hi"}]}""", "max_tokens")]
    [InlineData("""{"model": "m", "max_tokens": 0, "messages": [{"role": "user", "content": "Hi"}]}""", "max_tokens")]
    [InlineData("""{"max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]}""", "model")]
    [InlineData("""{"model": "m", "max_tokens": 5, "messages": []}""", "messages")]
    [InlineData("""{"model": "m", "max_tokens": 5, "messages": [{"role": "tool", "content": "Hi"}]}""", "messages.0")]
    [InlineData("""{"model": "m", "max_tokens": 5, "temperature": 1.5, "messages": [{"role": "user", "content": "Hi"}]}""", "temperature")]
    [InlineData("""{"model": "m", "max_tokens": 5, "stop_sequences": ["a","b","c","d","e"], "messages": [{"role": "user", "content": "Hi"}]}""", "stop_sequences")]
    [InlineData("""{"model": "m", "max_tokens": 5, "tools": [{"type": "web_search_20250305", "name": "web_search"}], "messages": [{"role": "user", "content": "Hi"}]}""", "tools.0")]
    [InlineData("""{"model": "m", "max_tokens": 5, "mcp_servers": [], "messages": [{"role": "user", "content": "Hi"}]}""", "mcp_servers")]
    [InlineData("""{"model": "m", "max_tokens": 5, "frobnicate": 1, "messages": [{"role": "user", "content": "Hi"}]}""", "frobnicate")]
    [InlineData("""{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "document", "source": {"type": "text", "data": "x"}}]}]}""", "messages.0.content.0")]
    [InlineData("""{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "f"}}]}]}""", "messages.0.content.0")]
    [InlineData("""{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [{"type": "image", "source": {"type": "url", "url": "u"}}]}]}]}""", "messages.0.content.0")]
    [InlineData("""{"model": "m", "max_tokens": 5, "tool_choice": {"type": "any"}, "messages": [{"role": "user", "content": "Hi"}]}""", "tool_choice")]
    [InlineData("""{"model": "m", "max_tokens": 5, "thinking": {"type": "enabled"}, "messages": [{"role": "user", "content": "Hi"}]}""", "thinking")]
    public void Translate_UntranslatableOrInvalid_IsA400NamingTheField(string json, string param)
    {
        var error = Refuse(json);

        Assert.Equal(param, error.Param);
        Assert.StartsWith(param, error.Message, StringComparison.Ordinal);
    }
}
