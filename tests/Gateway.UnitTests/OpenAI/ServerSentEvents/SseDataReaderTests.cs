using System.Text;
using Gateway.ServerSentEvents;

namespace Gateway.UnitTests.ServerSentEvents;

public sealed class SseDataReaderTests
{
    [Fact]
    public async Task ReadAsync_UpstreamFraming_AcceptsCrLfNoSpaceAndCommentsAndTrims()
    {
        const string stream = ": keep-alive\r\n\r\ndata:{\"a\":1}\r\n\r\nevent: x\r\ndata:  {\"b\":2}  \r\n\r\ndata: [DONE]\r\n\r\n";

        var data = await ReadAsync(stream);

        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], data);
    }

    [Fact]
    public async Task ReadAsync_StreamEndsWithoutDone_ReturnsEveryEventIncludingAnUnterminatedLastOne()
    {
        var data = await ReadAsync("data: {\"a\":1}\n\ndata: {\"b\":2}");

        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], data);
    }

    [Fact]
    public async Task ReadAsync_DataAfterDone_IsNotRead()
    {
        var data = await ReadAsync("data: [DONE]\n\ndata: {\"late\":true}\n\n");

        Assert.Empty(data);
    }

    private static async Task<List<string>> ReadAsync(string text)
    {
        var data = new List<string>();
        await foreach (var item in SseDataReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), CancellationToken.None))
        {
            data.Add(item);
        }

        return data;
    }
}
