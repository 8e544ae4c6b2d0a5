using Gateway.ModelServer.Engine;
using LLama.Native;

namespace Gateway.UnitTests.ModelServer;

public sealed class PrefixReuseTests
{
    private static LLamaToken[] Tokens(params int[] ids) => [.. ids.Select(i => (LLamaToken)i)];

    [Fact]
    public void Reusable_CacheHoldsALongerText_AllButTheLastTwoPromptTokens()
    {
        Assert.Equal(3, PrefixReuse.Reusable(Tokens(1, 2, 3, 4, 5), Tokens(1, 2, 3, 4, 5, 6, 7)));
    }

    [Fact]
    public void Reusable_TextsPartAfterAFewTokens_ThoseTokens()
    {
        Assert.Equal(2, PrefixReuse.Reusable(Tokens(1, 2, 9, 4, 5, 6), Tokens(1, 2, 3, 4, 5, 6)));
    }

    [Fact]
    public void Reusable_CacheShorterThanThePrompt_TheWholeCache()
    {
        Assert.Equal(3, PrefixReuse.Reusable(Tokens(1, 2, 3, 4, 5, 6, 7), Tokens(1, 2, 3)));
    }

    [Theory]
    [InlineData(new int[0], new[] { 1, 2 })]
    [InlineData(new[] { 1 }, new[] { 1, 2 })]
    [InlineData(new[] { 1, 2 }, new[] { 1, 2 })]
    [InlineData(new[] { 5, 6, 7 }, new[] { 1, 2, 3 })]
    [InlineData(new[] { 1, 2, 3 }, new int[0])]
    public void Reusable_NothingToTake_Zero(int[] prompt, int[] cached)
    {
        Assert.Equal(0, PrefixReuse.Reusable(Tokens(prompt), Tokens(cached)));
    }
}
