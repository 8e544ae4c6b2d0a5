using System.Diagnostics;
using System.Text;
using Gateway.Host.Catalog;
using Gateway.Host.FrontDoor;
using Gateway.Host.Resilience;
using Gateway.TestUtilities;
using Microsoft.Extensions.Configuration;

namespace Gateway.UnitTests.Resilience;

public sealed class ObservedStreamTests
{
    private static GatewayRequestFeature Feature(string timeout = "00:00:05", int maxEventBytes = 4 * 1024 * 1024)
    {
        var catalog = CatalogBuilder.Build(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Models:m:BaseUrl"] = "http://up:1/v1",
            ["Gateway:Models:m:Timeout"] = timeout,
            ["Gateway:Models:m:MaxEventBytes"] = maxEventBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build(), _ => null);
        return new GatewayRequestFeature("req", Stopwatch.GetTimestamp()) { Model = catalog.Models[0] };
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Read_JsonBody_PassesThroughAndReadsUsage()
    {
        const string json = """{"id":"x","choices":[{"index":0}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}""";
        var feature = Feature();
        feature.CaptureBody = true;

        var text = await ReadAllAsync(new ObservedStream(new MemoryStream(Encoding.UTF8.GetBytes(json)), feature, eventStream: false));

        Assert.Equal(json, text);
        Assert.Equal(new TokenUsage(7, 3), feature.Usage);
        Assert.Equal(json, Encoding.UTF8.GetString(feature.CapturedBody!.Value.Span));
    }

    [Fact]
    public async Task Read_EventStreamWithUsageChunkTheClientDidNotAskFor_DropsItAndCountsIt()
    {
        const string chunk = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n";
        const string usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\n";
        const string done = "data: [DONE]\n\n";
        var feature = Feature();
        feature.StripUsageChunk = true;

        var text = await ReadAllAsync(new ObservedStream(new MemoryStream(Encoding.UTF8.GetBytes(chunk + usage + done)), feature, eventStream: true));

        Assert.Equal(chunk + done, text);
        Assert.Equal(new TokenUsage(5, 2), feature.Usage);
    }

    [Fact]
    public async Task Read_EventStreamUsageAskedFor_KeepsIt()
    {
        const string usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\r\n\r\n";
        var feature = Feature();

        var text = await ReadAllAsync(new ObservedStream(new MemoryStream(Encoding.UTF8.GetBytes(usage + "data: [DONE]\n\n")), feature, eventStream: true));

        Assert.Equal(usage + "data: [DONE]\n\n", text);
        Assert.Equal(7, feature.Usage!.Value.Total);
    }

    [Fact]
    public async Task Read_EventStreamThatBreaks_EndsWithErrorEvent()
    {
        var feature = Feature();
        var inner = new BreakingStream(Encoding.UTF8.GetBytes("data: {\"choices\":[]}\n\n"));

        var text = await ReadAllAsync(new ObservedStream(inner, feature, eventStream: true));

        Assert.StartsWith("data: {\"choices\":[]}\n\ndata: {\"error\":", text, StringComparison.Ordinal);
        Assert.Contains("upstream_stream_error", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        Assert.NotNull(feature.StreamError);
    }

    [Fact]
    public async Task Read_EventStreamThatHangs_EndsWithErrorEventAfterIdleTimeout()
    {
        var time = new TimerAwareTimeProvider();
        var feature = Feature(timeout: "00:02:00");
        var inner = new BreakingStream(Encoding.UTF8.GetBytes("data: {}\n\n"), hang: true);

        var reading = ReadAllAsync(new ObservedStream(inner, feature, eventStream: true, time));
        // The read that hangs armed its idle timer before it began; just short of the timeout it still waits.
        await inner.Hanging.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        Assert.False(reading.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var text = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("no data for 120 s", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_JsonBodyThatBreaks_Throws()
    {
        var feature = Feature();
        var stream = new ObservedStream(new BreakingStream(Encoding.UTF8.GetBytes("{\"a\":")), feature, eventStream: false);

        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(stream));
    }

    /// <summary>Returns its bytes, then fails (or never answers) on the next read.</summary>
    private sealed class BreakingStream(byte[] first, bool hang = false) : Stream
    {
        private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _sent;

        /// <summary>Completes when a read has begun to hang.</summary>
        public Task Hanging => _hanging.Task;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set { } }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                first.CopyTo(buffer);
                return first.Length;
            }

            if (hang)
            {
                _hanging.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            throw new IOException("connection reset by peer");
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Read_EventLargerThanAllowed_EndsWithAnErrorEventWithoutBufferingIt()
    {
        const string first = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n";
        // 10 MB of one event that never ends; the stream may hold at most 1 KiB of it.
        var huge = new ConcatenatedStream(Encoding.UTF8.GetBytes(first + "data: {\"x\":\""), 10 * 1024 * 1024);
        var feature = Feature(maxEventBytes: 1024);

        var text = await ReadAllAsync(new ObservedStream(huge, feature, eventStream: true));

        Assert.StartsWith(first, text, StringComparison.Ordinal);
        Assert.Contains("larger than 1024 bytes", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        Assert.True(text.Length < 4096, $"the answer held {text.Length} characters");
        Assert.True(huge.Position < 64 * 1024, $"read {huge.Position} bytes of the event");
        Assert.NotNull(feature.StreamError);
        Assert.Equal(2, feature.ForwardedTokenEstimate);
    }

    /// <summary>A prefix followed by <c>count</c> bytes of 'a', produced as read.</summary>
    private sealed class ConcatenatedStream(byte[] prefix, long count) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + count;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int length)
        {
            var written = 0;
            while (written < length && _position < Length)
            {
                buffer[offset + written++] = _position < prefix.Length ? prefix[_position] : (byte)'a';
                _position++;
            }

            return written;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int length) => throw new NotSupportedException();
    }
}
