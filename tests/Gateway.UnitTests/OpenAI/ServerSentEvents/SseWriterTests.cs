using System.Text;
using System.Text.Json;
using Gateway.Errors;
using Gateway.ServerSentEvents;
using Microsoft.AspNetCore.Http;

namespace Gateway.UnitTests.ServerSentEvents;

public sealed class SseWriterTests
{
    [Fact]
    public async Task WriteAsync_Data_SendsOneDataEvent()
    {
        var (context, body) = Context();

        await new SseWriter(context.Response).WriteAsync("""{"a":1}""", CancellationToken.None);

        Assert.Equal("data: {\"a\":1}\n\n", Text(body));
    }

    [Fact]
    public async Task Buffer_SeveralEvents_SendsNothingUntilTheFlushThenAllInOrder()
    {
        var (context, body) = Context();
        var writer = new SseWriter(context.Response);

        writer.Buffer("response.created", "{}");
        writer.Buffer("""{"b":2}""");
        var before = body.Length;
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, before);
        Assert.Equal("event: response.created\ndata: {}\n\ndata: {\"b\":2}\n\n", Text(body));
    }

    [Fact]
    public async Task WriteDoneAsync_EventsQueued_SendsThemThenDone()
    {
        var (context, body) = Context();
        var writer = new SseWriter(context.Response);

        writer.Buffer("{}");
        await writer.WriteDoneAsync(CancellationToken.None);

        Assert.Equal("data: {}\n\ndata: [DONE]\n\n", Text(body));
    }

    [Fact]
    public async Task WriteErrorAsync_Error_SendsTheEnvelopeAsAnEvent()
    {
        var (context, body) = Context();

        await new SseWriter(context.Response).WriteErrorAsync(
            new GatewayError(500, "The model failed.", OpenAIErrorTypes.Server, null, "generation_failed"), CancellationToken.None);

        Assert.Equal("""
            data: {"error":{"message":"The model failed.","type":"server_error","param":null,"code":"generation_failed"}}


            """.ReplaceLineEndings("\n"), Text(body));
    }

    [Fact]
    public async Task StartAsync_Response_MarksItAnUncachedEventStream()
    {
        var (context, _) = Context();

        await SseWriter.StartAsync(context);

        Assert.Equal("text/event-stream", context.Response.ContentType);
        Assert.Equal("no-cache", context.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task ReadAsync_WrittenStream_ReturnsEachDataUpToDoneAndSkipsTypeLines()
    {
        var (context, body) = Context();
        var writer = new SseWriter(context.Response);
        var error = GatewayError.Upstream(502, "broke", "upstream_stream_error");
        writer.Buffer("""{"n":1}""");
        writer.Buffer("response.output_text.delta", """{"n":2}""");
        await writer.WriteErrorAsync(error, CancellationToken.None);
        await writer.WriteDoneAsync(CancellationToken.None);
        await writer.WriteAsync("""{"after":"done"}""", CancellationToken.None);
        body.Position = 0;

        var data = new List<string>();
        await foreach (var item in SseDataReader.ReadAsync(body, CancellationToken.None))
        {
            data.Add(item);
        }

        Assert.Equal(3, data.Count);
        Assert.Equal("""{"n":1}""", data[0]);
        Assert.Equal("""{"n":2}""", data[1]);
        using var envelope = JsonDocument.Parse(data[2]);
        Assert.Equal("upstream_stream_error", envelope.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private static (DefaultHttpContext Context, MemoryStream Body) Context()
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        return (context, body);
    }

    private static string Text(MemoryStream body) => Encoding.UTF8.GetString(body.ToArray());
}
