using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Responses;

namespace Gateway.UnitTests.FrontDoor;

public sealed class ResponsesRequestTests
{
    private static JsonObject Translate(string json)
    {
        using var document = JsonDocument.Parse(json);
        var chat = ResponsesRequest.Translate(document.RootElement, out var error);
        Assert.True(chat is not null, error?.Message);
        return chat!;
    }

    [Fact]
    public void Translate_ParallelFunctionCalls_BecomeOneAssistantMessageFollowedByEachOutput()
    {
        var chat = Translate("""
            {"model": "m", "input": [
              {"role": "user", "content": "Weather in Paris and Rome?"},
              {"type": "function_call", "call_id": "a", "name": "w", "arguments": "{\"city\":\"Paris\"}"},
              {"type": "function_call", "call_id": "b", "name": "w", "arguments": "{\"city\":\"Rome\"}"},
              {"type": "function_call_output", "call_id": "a", "output": "18 C"},
              {"type": "function_call_output", "call_id": "b", "output": [{"type": "input_text", "text": "21 C"}]}
            ]}
            """);

        var messages = chat["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool", "tool"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["a", "b"], messages[1]!["tool_calls"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        Assert.Null(messages[1]!["content"]);
        Assert.Equal("21 C", messages[3]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Translate_TextPartsJoinButAnImageKeepsTheParts_ReasoningItemsAreDropped()
    {
        var chat = Translate("""
            {"model": "m", "instructions": "Be brief.", "input": [
              {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "a"}, {"type": "input_text", "text": "b"}]},
              {"type": "reasoning", "id": "rs_1", "summary": []},
              {"role": "user", "content": [{"type": "input_text", "text": "What is this?"}, {"type": "input_image", "image_url": "https://x/y.png", "detail": "low"}]},
              {"role": "assistant", "content": [{"type": "output_text", "text": "A cat."}]}
            ]}
            """);

        var messages = chat["messages"]!.AsArray();
        Assert.Equal(["system", "developer", "user", "assistant"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("Be brief.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("ab", messages[1]!["content"]!.GetValue<string>());
        var parts = messages[2]!["content"]!.AsArray();
        Assert.Equal(["text", "image_url"], parts.Select(p => p!["type"]!.GetValue<string>()));
        Assert.Equal(("https://x/y.png", "low"), (parts[1]!["image_url"]!["url"]!.GetValue<string>(), parts[1]!["image_url"]!["detail"]!.GetValue<string>()));
        Assert.Equal("A cat.", messages[3]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Translate_OptionsMapToChatNames_StorageFieldsAreDropped_UnknownFieldsPassOn()
    {
        var chat = Translate("""
            {"model": "m", "input": "hi", "stream": true, "max_output_tokens": 40, "temperature": 0.3,
             "reasoning": {"effort": "low"}, "tool_choice": {"type": "function", "name": "w"},
             "text": {"format": {"type": "json_object"}}, "store": true, "metadata": {"a": "b"}, "include": ["message.output_text.logprobs"], "top_logprobs": 3, "seed": 7,
             "prompt_cache_key": "k1"}
            """);

        Assert.Equal(40, chat["max_tokens"]!.GetValue<int>());
        Assert.Equal(0.3, chat["temperature"]!.GetValue<double>());
        Assert.Equal("low", chat["reasoning_effort"]!.GetValue<string>());
        Assert.Equal("w", chat["tool_choice"]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("json_object", chat["response_format"]!["type"]!.GetValue<string>());
        Assert.True(chat["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(7, chat["seed"]!.GetValue<int>());
        Assert.Equal("k1", chat["prompt_cache_key"]!.GetValue<string>());
        Assert.Equal((true, 3), (chat["logprobs"]!.GetValue<bool>(), chat["top_logprobs"]!.GetValue<int>()));
        Assert.All(new[] { "store", "metadata", "include", "input", "max_output_tokens", "reasoning", "text" }, f => Assert.False(chat.ContainsKey(f), f));
    }

    [Theory]
    [InlineData("""{"model":"m","input":[{"type":"function_call","call_id":"a","name":"w"}]}""", "input[0].arguments")]
    [InlineData("""{"model":"m","input":[{"type":"function_call_output","call_id":"a","output":5}]}""", "input[0].output")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]}""", "input[0].content[0]")]
    [InlineData("""{"model":"m","input":[]}""", "input")]
    [InlineData("""{"model":"m","input":"hi","tool_choice":{"type":"web_search"}}""", "tool_choice")]
    [InlineData("""{"model":"m","input":"hi","conversation":"conv_1"}""", "conversation")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":5,"text":"x"}]}]}""", "input[0].content[0]")]
    [InlineData("""{"model":"m","input":"hi","text":{"format":{"type":false}}}""", "text.format")]
    [InlineData("""{"model":"m","input":"hi","tools":[{"type":{"x":1},"name":"w"}]}""", "tools[0]")]
    [InlineData("""{"model":"m","input":"hi","tool_choice":{"type":7,"name":"w"}}""", "tool_choice")]
    public void Translate_WhatCannotBeTranslated_IsA400NamingTheField(string json, string param)
    {
        using var document = JsonDocument.Parse(json);

        var chat = ResponsesRequest.Translate(document.RootElement, out var error);

        Assert.Null(chat);
        Assert.Equal((400, param), (error!.Status, error.Param));
    }
}
