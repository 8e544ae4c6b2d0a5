using System.Buffers.Binary;
using Gateway.Craft.Sandbox;
using Gateway.Craft.Worker;

namespace Gateway.UnitTests.Craft;

/// <summary>The frames between the gateway and a sandbox worker, and the worker's loop over them (run in-process on streams).</summary>
public sealed class WorkerProtocolTests
{
    [Fact]
    public void Read_SerializedFrame_RoundTrips()
    {
        var reply = new WorkerReply(7, "[1,2]", null, null);
        using var stream = new MemoryStream(WorkerProtocol.Serialize(reply, WorkerJsonContext.Default.WorkerReply));

        var payload = WorkerProtocol.Read(stream, 1_000);

        Assert.Equal(reply, System.Text.Json.JsonSerializer.Deserialize(payload, WorkerJsonContext.Default.WorkerReply));
        Assert.Null(WorkerProtocol.Read(stream, 1_000));
    }

    [Theory]
    [InlineData(1_001)]
    [InlineData(-5)]
    [InlineData(0)]
    public void Read_LengthOutOfRange_InvalidData(int length)
    {
        var frame = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(frame, length);

        Assert.Throws<InvalidDataException>(() => WorkerProtocol.Read(new MemoryStream(frame), 1_000));
    }

    [Theory]
    [InlineData(new byte[] { 10, 0 })]
    [InlineData(new byte[] { 10, 0, 0, 0, (byte)'{' })]
    public void Read_StreamEndsInsideAFrame_InvalidData(byte[] bytes)
    {
        Assert.Throws<InvalidDataException>(() => WorkerProtocol.Read(new MemoryStream(bytes), 1_000));
    }

    [Fact]
    public void Run_LimitsThenRequests_WarmUpReplyThenOneReplyEach()
    {
        var limits = SandboxWorkerLauncher.Limits(new SandboxOptions { MaxStatements = 10_000 });
        using var input = new MemoryStream([
            .. WorkerProtocol.Serialize(limits, WorkerJsonContext.Default.WorkerLimits),
            .. WorkerProtocol.Serialize(new WorkerRequest(1, SandboxEngine.ProgramScript("function solve() { return 6 * 7; }"), null), WorkerJsonContext.Default.WorkerRequest),
            .. WorkerProtocol.Serialize(new WorkerRequest(2, SandboxEngine.ToolScript("function spin() { while (true) {} }", "spin"), "{}"), WorkerJsonContext.Default.WorkerRequest),
        ]);
        using var output = new MemoryStream();

        var exitCode = WorkerLoop.Run(input, output);

        output.Position = 0;
        var replies = new List<WorkerReply>();
        while (WorkerProtocol.Read(output, 1_000_000) is { } payload)
        {
            replies.Add(System.Text.Json.JsonSerializer.Deserialize(payload, WorkerJsonContext.Default.WorkerReply)!);
        }

        Assert.Equal(0, exitCode);
        Assert.Equal([(0L, WorkerProtocol.WarmUpResult), (1L, "42"), (2L, null)], replies.Select(r => (r.Id, r.Json)));
        Assert.Equal(WorkerErrors.Statements, replies[2].Error);
    }

    [Fact]
    public void Run_InputNotTheProtocol_ExitsWithBadInput()
    {
        using var input = new MemoryStream("not a frame at all"u8.ToArray());

        Assert.Equal(WorkerProtocol.ExitBadInput, WorkerLoop.Run(input, new MemoryStream()));
    }
}
