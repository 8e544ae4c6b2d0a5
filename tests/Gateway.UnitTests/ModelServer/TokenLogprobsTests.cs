using Gateway.ModelServer.Engine;

namespace Gateway.UnitTests.ModelServer;

public sealed class TokenLogprobsTests
{
    [Fact]
    public void Top_LargestFirst_TiesByLowerId()
    {
        float[] logits = [0.5f, 3f, -1f, 3f, 2f, 7f, 0f];

        Assert.Equal([5, 1, 3], TokenLogprobs.Top(logits, 3));
        Assert.Equal([5], TokenLogprobs.Top(logits, 1));
        Assert.Empty(TokenLogprobs.Top(logits, 0));
    }

    [Fact]
    public void Top_MoreThanTheVocabulary_ReturnsEveryIdInOrder()
    {
        float[] logits = [1f, -2f, 4f];

        Assert.Equal([2, 0, 1], TokenLogprobs.Top(logits, 20));
    }

    [Fact]
    public void Top_MatchesAFullSortOnRandomLogits()
    {
        var random = new Random(5);
        for (var round = 0; round < 50; round++)
        {
            var logits = Enumerable.Range(0, 500).Select(_ => (float)Math.Round(random.NextDouble() * 10, 1)).ToArray();
            var count = random.Next(1, 21);

            var expected = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(count);

            Assert.Equal(expected, TokenLogprobs.Top(logits, count));
        }
    }
}
