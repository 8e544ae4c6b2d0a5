using Gateway.Inference.Protocol;

namespace Gateway.UnitTests.Inference.Protocol;

public sealed class StopSequenceBufferTests
{
    [Fact]
    public void Push_StopSplitAcrossChunks_ReleasesOnlyTextBeforeIt()
    {
        var buffer = new StopSequenceBuffer(["END"]);

        var released = buffer.Push("abc E") + buffer.Push("N") + buffer.Push("Dxyz");

        Assert.True(buffer.Stopped);
        Assert.Equal("abc ", released);
        Assert.Equal("", buffer.Flush());
    }

    [Fact]
    public void Push_PartialStopThatDiverges_ReleasesTheHeldText()
    {
        var buffer = new StopSequenceBuffer(["END"]);

        Assert.Equal("ab", buffer.Push("abEN"));
        Assert.Equal("ENx", buffer.Push("x"));
        Assert.False(buffer.Stopped);
    }

    [Fact]
    public void Push_SeveralStops_EarliestMatchWins()
    {
        var buffer = new StopSequenceBuffer(["zz", "b"]);

        Assert.Equal("a", buffer.Push("abzz"));
    }

    [Fact]
    public void Flush_NoStopMatched_ReleasesHeldTail()
    {
        var buffer = new StopSequenceBuffer(["END"]);

        var released = buffer.Push("xE");

        Assert.Equal("x", released);
        Assert.Equal("E", buffer.Flush());
    }
}
