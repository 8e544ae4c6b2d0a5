using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Anthropic;
using Microsoft.AspNetCore.Http;

namespace Gateway.UnitTests.Anthropic;

public sealed class MessageEventStreamTests
{
    /// <summary>Runs the translation over chat chunks (each a JSON text) and returns the events as (event line, data).</summary>
    private static async Task<List<(string Event, JsonElement Data)>> RunAsync(bool thinking, params string[] chunks)
    {
        var context = new DefaultHttpContext();
        var output = new MemoryStream();
        context.Response.Body = output;
        var input = new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(chunks.Select(c => $"data: {c}\n\n")) + "data: [DONE]\n\n"));
        var request = new MessagesTranslation(new JsonObject(), "m", Stream: true, thinking, ["END"]);

        await new MessageEventStream(context.Response, request, "alpha").RunAsync(input, CancellationToken.None);

        Assert.Equal("text/event-stream", context.Response.ContentType);
        var events = new List<(string, JsonElement)>();
        foreach (var block in Encoding.UTF8.GetString(output.ToArray()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            var data = JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone();
            Assert.Equal(lines[0]["event: ".Length..], data.GetProperty("type").GetString());
            events.Add((lines[0]["event: ".Length..], data));
        }

        return events;
    }

    [Fact]
    public async Task RunAsync_ThinkingTextAndTwoToolCalls_OneBlockAtATimeInOrder()
    {
        var events = await RunAsync(true,
            """{"model":"up","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Hmm"}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"Let me"}}]}""",
            """{"choices":[{"index":0,"delta":{"content":" check."}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"w","arguments":""}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"w","arguments":"{}"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":6}}""");

        Assert.Equal(
            ["message_start", "ping",
             "content_block_start", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_stop",
             "message_delta", "message_stop"],
            events.Select(e => e.Event));
        var starts = events.Where(e => e.Event == "content_block_start").Select(e => e.Data).ToList();
        Assert.Equal([0, 1, 2, 3], starts.Select(s => s.GetProperty("index").GetInt32()));
        Assert.Equal(["thinking", "text", "tool_use", "tool_use"], starts.Select(s => s.GetProperty("content_block").GetProperty("type").GetString()));
        Assert.Equal(("call_1", "w"), (starts[2].GetProperty("content_block").GetProperty("id").GetString(), starts[2].GetProperty("content_block").GetProperty("name").GetString()));
        var deltas = events.Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta")).ToList();
        Assert.Equal(["thinking_delta", "text_delta", "text_delta", "input_json_delta", "input_json_delta", "input_json_delta"], deltas.Select(d => d.GetProperty("type").GetString()));
        Assert.Equal("{\"city\":\"Paris\"}", deltas[3].GetProperty("partial_json").GetString() + deltas[4].GetProperty("partial_json").GetString());
        var end = events[^2].Data;
        Assert.Equal("tool_use", end.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal((10, 6), (end.GetProperty("usage").GetProperty("input_tokens").GetInt32(), end.GetProperty("usage").GetProperty("output_tokens").GetInt32()));
        Assert.Equal("alpha", events[0].Data.GetProperty("message").GetProperty("model").GetString());
    }

    [Fact]
    public async Task RunAsync_StopSequenceNamedByTheUpstream_IsTheStopReason()
    {
        var events = await RunAsync(false,
            """{"choices":[{"index":0,"delta":{"reasoning_content":"not shown","content":"Hi"}}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":"END"}]}""");

        Assert.DoesNotContain(events, e => e.Event == "content_block_start" && e.Data.GetProperty("content_block").GetProperty("type").GetString() == "thinking");
        var delta = events.Single(e => e.Event == "message_delta").Data.GetProperty("delta");
        Assert.Equal(("stop_sequence", "END"), (delta.GetProperty("stop_reason").GetString(), delta.GetProperty("stop_sequence").GetString()));
    }

    [Fact]
    public async Task RunAsync_ChatStreamEndsInAnError_EndsWithAnErrorEvent()
    {
        var events = await RunAsync(false,
            """{"choices":[{"index":0,"delta":{"content":"Hi"}}]}""",
            """{"error":{"message":"The upstream timed out.","type":"upstream_error","param":null,"code":"upstream_timeout"}}""");

        var (name, data) = events[^1];
        Assert.Equal("error", name);
        Assert.Equal(("api_error", "The upstream timed out."), (data.GetProperty("error").GetProperty("type").GetString(), data.GetProperty("error").GetProperty("message").GetString()));
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
    }
}
