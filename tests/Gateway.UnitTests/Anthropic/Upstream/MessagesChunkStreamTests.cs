using System.Text;
using Gateway.Host.Anthropic.Upstream;

namespace Gateway.UnitTests.Anthropic.Upstream;

public sealed class MessagesChunkStreamTests
{
    /// <summary>Hands out its bytes a few at a time, so events arrive split across reads.</summary>
    private sealed class Trickle(string text, int step) : MemoryStream(Encoding.UTF8.GetBytes(text))
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(step, buffer.Length)], cancellationToken);
    }

    private static async Task<string> TranslateAsync(string events, int maxEventBytes = 1024 * 1024)
    {
        await using var stream = new MessagesChunkStream(new Trickle(events, 7), maxEventBytes, 1, "claude");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static string Event(string type, string data) => $"event: {type}\r\ndata: {data}\r\n\r\n";

    [Fact]
    public async Task Read_TextStopSequence_ChunksFinishReasonMatchedStopUsageAndDone()
    {
        var chunks = await TranslateAsync(
            Event("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"c","usage":{"input_tokens":5,"cache_read_input_tokens":2,"output_tokens":1}}}""")
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""")
            + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":3}}""")
            + Event("message_stop", """{"type":"message_stop"}"""));

        Assert.Contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}", chunks, StringComparison.Ordinal);
        Assert.Contains("\"delta\":{\"content\":\"Hi\"}", chunks, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"stop\",\"stop_reason\":\"END\"", chunks, StringComparison.Ordinal);
        // Prompt tokens from message_start: 5 input + 2 cache reads.
        Assert.Contains("\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10", chunks, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", chunks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ErrorEvent_EndsWithTheChatStreamsErrorEvent()
    {
        var chunks = await TranslateAsync(
            Event("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"c","usage":{}}}""")
            + Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));

        Assert.Contains("overloaded_error: Overloaded", chunks, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"upstream_stream_error\"", chunks, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", chunks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_EndsBeforeMessageStop_ErrorEvent()
    {
        var chunks = await TranslateAsync(Event("message_start", """{"type":"message_start","message":{"id":"m","model":"c"}}"""));

        Assert.Contains("ended before message_stop", chunks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_EventLargerThanTheLimit_ErrorEventNotAnUnboundedBuffer()
    {
        var chunks = await TranslateAsync("data: " + new string('x', 20_000), maxEventBytes: 4096);

        Assert.Contains("larger than 4096 bytes", chunks, StringComparison.Ordinal);
    }
}
