using System.Text;
using Gateway.Host.Resilience;

namespace Gateway.UnitTests.Resilience;

public sealed class UsageParserTests
{
    private const string Body =
        """{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":30,"completion_tokens":5,"total_tokens":35,"prompt_tokens_details":{"cached_tokens":28}}}""";

    [Fact]
    public void TryParseTail_UsageWithNestedDetails_ReadsTheCounts()
    {
        // The tail reader does not see the body's end as final; a nested object used to throw out of the request.
        var bytes = Encoding.UTF8.GetBytes(Body);

        Assert.True(UsageParser.TryParseTail(bytes.AsSpan(bytes.Length - 120), out var usage));

        Assert.Equal(new TokenUsage(30, 5), usage);
    }

    [Fact]
    public void TryParseTail_NestedDetailsCutOff_KeepsWhatWasRead()
    {
        var bytes = Encoding.UTF8.GetBytes(Body[..Body.IndexOf("28", StringComparison.Ordinal)]);

        Assert.True(UsageParser.TryParseTail(bytes, out var usage));

        Assert.Equal(new TokenUsage(30, 5), usage);
    }

    [Fact]
    public void TryParse_StreamedUsageChunkWithDetails_ReadsTheCountsAndNoChoices()
    {
        var chunk = """{"id":"x","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":28},"total_tokens":35}}""";

        Assert.True(UsageParser.TryParse(Encoding.UTF8.GetBytes(chunk), out var usage, out var choicesEmpty));

        Assert.Equal(new TokenUsage(30, 5), usage);
        Assert.True(choicesEmpty);
    }
}
