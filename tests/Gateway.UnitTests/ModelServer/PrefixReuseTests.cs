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

    private static int[] Range(int from, int count) => [.. Enumerable.Range(from, count)];

    [Fact]
    public void Plan_OwnCacheAndNoOtherCandidate_KeepsItsOwnPrefix()
    {
        var plan = PrefixReuse.Plan(Tokens(1, 2, 3, 4, 5, 6), Tokens(1, 2, 3, 9), []);

        Assert.Equal(new PrefixPlan(3, From: null, Wait: false), plan);
    }

    [Fact]
    public void Plan_AnotherSequenceSharesFewerThanMinCopiedTokens_NotCopied()
    {
        var prompt = Tokens(Range(1, 40));
        var plan = PrefixReuse.Plan(prompt, own: null, [new PrefixCandidate(3, Tokens(Range(1, PrefixReuse.MinCopied - 1)), PrefixReuse.MinCopied - 1)]);

        Assert.Equal(new PrefixPlan(0, From: null, Wait: false), plan);
    }

    [Fact]
    public void Plan_AFreeSequenceHoldsALongerPrefixThanItsOwn_CopiesIt()
    {
        var prompt = Tokens(Range(1, 40));
        var plan = PrefixReuse.Plan(prompt, Tokens(Range(1, 20)), [new PrefixCandidate(5, Tokens(Range(1, 30)), 30)]);

        Assert.Equal(new PrefixPlan(30, From: 5, Wait: false), plan);
    }

    [Fact]
    public void Plan_TwoCandidatesHoldTheSamePrefix_TheFirst()
    {
        var prompt = Tokens(Range(1, 40));
        PrefixCandidate[] candidates = [new(2, Tokens(Range(1, 25)), 25), new(7, Tokens(Range(1, 25)), 25)];

        Assert.Equal(2, PrefixReuse.Plan(prompt, own: null, candidates).From);
    }

    [Fact]
    public void Plan_TheLongestPrefixIsStillBeingDecoded_WaitsForIt()
    {
        var prompt = Tokens(Range(1, 40));
        // Sequence 4 decodes the same prompt and has 10 of its tokens so far; sequence 1 holds 20 shared tokens.
        PrefixCandidate[] candidates = [new(1, Tokens(Range(1, 20)), 20), new(4, prompt, 10)];

        Assert.Equal(new PrefixPlan(38, From: 4, Wait: true), PrefixReuse.Plan(prompt, own: null, candidates));
    }

    [Fact]
    public void Plan_TheSourceEndedPartWayThroughThePrompt_CopiesWhatItsCacheKept()
    {
        // A waiting request plans again after its source was cancelled: the source's free sequence kept 24 tokens.
        var prompt = Tokens(Range(1, 40));

        Assert.Equal(new PrefixPlan(24, From: 4, Wait: false), PrefixReuse.Plan(prompt, own: null, [new PrefixCandidate(4, Tokens(Range(1, 24)), 24)]));
    }
}
