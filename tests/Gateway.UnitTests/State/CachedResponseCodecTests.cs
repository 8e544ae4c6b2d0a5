using Gateway.Redis.Cache;
using Gateway.State;

namespace Gateway.UnitTests.State;

public sealed class CachedResponseCodecTests
{
    [Fact]
    public void Decode_EncodedResponse_RoundTripsEveryField()
    {
        var body = "data: {\"x\":1}\n\ndata: [DONE]\n\n"u8.ToArray();
        var response = new CachedResponse(200, "text/event-stream", body, "small-model");

        var decoded = CachedResponseCodec.Decode(CachedResponseCodec.Encode(response));

        Assert.NotNull(decoded);
        Assert.Equal((200, "text/event-stream", "small-model"), (decoded.Status, decoded.ContentType, decoded.Model));
        Assert.Equal(body, decoded.Body);
    }

    [Fact]
    public void Decode_UnknownVersion_ReturnsNull()
    {
        Assert.Null(CachedResponseCodec.Decode([9, 0, 0]));
        Assert.Null(CachedResponseCodec.Decode([]));
    }
}
