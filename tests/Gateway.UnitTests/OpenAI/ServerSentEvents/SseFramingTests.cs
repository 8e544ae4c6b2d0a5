using System.Text;
using Gateway.Errors;
using Gateway.ServerSentEvents;

namespace Gateway.UnitTests.ServerSentEvents;

public sealed class SseFramingTests
{
    [Theory]
    [InlineData("data: {}\n\ndata: x", 10)]        // "data: {}" is 8 bytes, then "\n\n".
    [InlineData("data: {}\r\n\r\ndata: x", 12)]    // 8 bytes, then "\r\n\r\n".
    [InlineData("data: a\r\n\r\ndata: b\n\n", 11)] // The CRLF terminator comes first.
    [InlineData("data: a\n\ndata: b\r\n\r\n", 9)]  // The LF terminator comes first.
    public void EventEnd_CompleteEvent_ReturnsItsLengthWithTheTerminator(string buffer, int expected)
    {
        Assert.Equal(expected, SseFraming.EventEnd(Encoding.UTF8.GetBytes(buffer)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("data: {\"partial\":")]
    [InlineData("data: {}\n")]
    [InlineData("data: {}\r\n\r")]
    public void EventEnd_NoCompleteEvent_ReturnsMinusOne(string buffer)
    {
        Assert.Equal(-1, SseFraming.EventEnd(Encoding.UTF8.GetBytes(buffer)));
    }

    [Theory]
    [InlineData("data: {\"a\":1}\n\n", " {\"a\":1}")]
    [InlineData("data:{\"a\":1}\r\n\r\n", "{\"a\":1}")]
    [InlineData("data: [DONE]\n\n", " [DONE]")]
    public void TryGetData_DataEvent_ReturnsThePayloadWithoutLineEnds(string @event, string expected)
    {
        Assert.True(SseFraming.TryGetData(Encoding.UTF8.GetBytes(@event), out var data));
        Assert.Equal(expected, Encoding.UTF8.GetString(data));
    }

    [Theory]
    [InlineData(": keep-alive\n\n")]
    [InlineData("event: response.created\ndata: {}\n\n")]
    [InlineData("dat")]
    public void TryGetData_EventNotStartingWithData_ReturnsFalse(string @event)
    {
        Assert.False(SseFraming.TryGetData(Encoding.UTF8.GetBytes(@event), out _));
    }

    [Fact]
    public void Event_Data_FramesItAsOneDataLineAndABlankLine()
    {
        Assert.Equal("data: {\"a\":1}\n\n", Encoding.UTF8.GetString(SseFraming.Event("{\"a\":1}"u8)));
    }

    [Fact]
    public void ErrorEvent_Error_CarriesTheEnvelopeAsItsData()
    {
        var error = GatewayError.Upstream(502, "The upstream stream broke.", "upstream_stream_error");

        var text = Encoding.UTF8.GetString(SseFraming.ErrorEvent(error));

        Assert.Equal("data: " + Encoding.UTF8.GetString(GatewayErrorWriter.Serialize(error)) + "\n\n", text);
    }

    [Fact]
    public void DoneEvent_IsTheDoneDataLineAndABlankLine()
    {
        Assert.Equal("data: [DONE]\n\n", Encoding.UTF8.GetString(SseFraming.DoneEvent));
    }

    [Fact]
    public void AppendEvent_WithType_WritesTheEventLineBeforeTheData()
    {
        var text = SseFraming.AppendEvent(new StringBuilder(), "response.created", "{}").ToString();

        Assert.Equal("event: response.created\ndata: {}\n\n", text);
    }
}
