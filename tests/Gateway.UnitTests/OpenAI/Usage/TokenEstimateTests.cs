using System.Text;
using Gateway.Usage;

namespace Gateway.UnitTests.OpenAI.Usage;

public sealed class TokenEstimateTests
{
    private static long Chunk(string json) => TokenEstimate.TokensOfChunk(Encoding.UTF8.GetBytes("data: " + json + "\n\n"));

    [Fact]
    public void TokensOfChunk_ShortContent_IsOneTokenPerFourBytesAtLeastOne()
    {
        // "Hello" is 5 bytes: 2 tokens; "a" is 1 byte: 1 token.
        Assert.Equal(2, Chunk("""{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}"""));
        Assert.Equal(1, Chunk("""{"choices":[{"index":0,"delta":{"content":"a"}}]}"""));
    }

    [Fact]
    public void TokensOfChunk_NoText_IsZero()
    {
        Assert.Equal(0, Chunk("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""));
        Assert.Equal(0, Chunk("""{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"""));
    }

    [Fact]
    public void TokensOfChunk_ReasoningToolArgumentsAndEscapes_AllCount()
    {
        // 8 bytes of reasoning + 15 of arguments (escaped quotes count as written) = 23 bytes: 6 tokens.
        Assert.Equal(6, Chunk("""{"choices":[{"delta":{"reasoning_content":"thinking","tool_calls":[{"function":{"arguments":"{\"a\":\"bcd\"}"}}]}}]}"""));
        // A completion's text: 9 bytes, 3 tokens.
        Assert.Equal(3, Chunk("""{"choices":[{"text":"123456789","index":0}]}"""));
    }
}
