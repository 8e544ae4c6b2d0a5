using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Anthropic;

namespace Gateway.UnitTests.Anthropic;

public sealed class MessageObjectTests
{
    private static MessagesTranslation Request(bool thinking = false, params string[] stops) =>
        new(new JsonObject(), "m", Stream: false, thinking, stops);

    [Theory]
    [InlineData("stop", null, "end_turn", null)]
    [InlineData("stop", "END", "stop_sequence", "END")]
    [InlineData("stop", "OTHER", "end_turn", null)]
    [InlineData("length", null, "max_tokens", null)]
    [InlineData("tool_calls", null, "tool_use", null)]
    [InlineData("content_filter", null, "refusal", null)]
    [InlineData(null, null, "end_turn", null)]
    public void StopReason_ChatFinishReason_MapsToAnthropics(string? finish, string? matched, string reason, string? sequence)
    {
        Assert.Equal((reason, sequence), MessageObject.StopReason(finish, matched, ["END"]));
    }

    [Fact]
    public void FromCompletion_ReasoningTextAndToolCalls_BecomeBlocksInThatOrder()
    {
        using var completion = JsonDocument.Parse("""
            {"model": "up", "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
              "reasoning_content": "Need weather.", "content": "Let me check.",
              "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "w", "arguments": "{\"city\":\"Paris\"}"}},
                             {"id": "call_2", "type": "function", "function": {"name": "w", "arguments": "not json"}}]}}],
             "usage": {"prompt_tokens": 12, "completion_tokens": 7, "prompt_tokens_details": {"cached_tokens": 4}}}
            """);

        var message = MessageObject.FromCompletion(completion.RootElement, Request(thinking: true), "alpha");

        Assert.StartsWith("msg_", message["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("message", "assistant", "alpha"), (message["type"]!.GetValue<string>(), message["role"]!.GetValue<string>(), message["model"]!.GetValue<string>()));
        var content = message["content"]!.AsArray();
        Assert.Equal(["thinking", "text", "tool_use", "tool_use"], content.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("Need weather.", content[0]!["thinking"]!.GetValue<string>());
        Assert.Equal(("call_1", "w", "Paris"), (content[2]!["id"]!.GetValue<string>(), content[2]!["name"]!.GetValue<string>(), content[2]!["input"]!["city"]!.GetValue<string>()));
        Assert.Equal("not json", content[3]!["input"]!["_arguments"]!.GetValue<string>());
        Assert.Equal("tool_use", message["stop_reason"]!.GetValue<string>());
        // 12 prompt tokens of which 4 came from the upstream's cache.
        Assert.Equal((8, 4, 7), (message["usage"]!["input_tokens"]!.GetValue<long>(), message["usage"]!["cache_read_input_tokens"]!.GetValue<long>(), message["usage"]!["output_tokens"]!.GetValue<long>()));
    }

    [Fact]
    public void FromCompletion_ReasoningWithoutThinking_IsLeftOut()
    {
        using var completion = JsonDocument.Parse("""
            {"choices": [{"finish_reason": "stop", "message": {"role": "assistant", "reasoning_content": "hidden", "content": "Hi"}}]}
            """);

        var message = MessageObject.FromCompletion(completion.RootElement, Request(), "m");

        Assert.Equal(["text"], message["content"]!.AsArray().Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("end_turn", message["stop_reason"]!.GetValue<string>());
    }
}
