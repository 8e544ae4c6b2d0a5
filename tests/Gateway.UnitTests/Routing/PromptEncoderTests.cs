using System.Numerics.Tensors;
using Gateway.Routing;

namespace Gateway.UnitTests.Routing;

public sealed class PromptEncoderTests
{
    [Fact]
    public void HashingEncoder_SamePrompt_SameUnitVector()
    {
        var encoder = new HashingPromptEncoder(64);

        var a = encoder.Encode("What is the capital of France?");
        var b = encoder.Encode("What is the capital of France?");

        Assert.Equal(a, b);
        Assert.Equal(64, a.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(a), 4);
    }

    [Fact]
    public void HashingEncoder_RelatedPrompts_CloserThanUnrelated()
    {
        var encoder = new HashingPromptEncoder();

        var math = encoder.Encode("Compute 12 plus 7 and multiply by 3.");
        var math2 = encoder.Encode("Compute 40 plus 2 and multiply by 5.");
        var poem = encoder.Encode("Write a rhyming poem about autumn leaves.");

        Assert.True(TensorPrimitives.Dot(math, math2) > TensorPrimitives.Dot(math, poem));
    }

    [Fact]
    public void CachingEncoder_RepeatedPrompt_EncodesOnce()
    {
        var inner = new CountingEncoder();
        var cache = new CachingPromptEncoder(inner, capacity: 2);

        var first = cache.Encode("a");
        var second = cache.Encode("a");

        Assert.Same(first, second);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public void CachingEncoder_OverCapacity_EvictsLeastRecentlyUsed()
    {
        var inner = new CountingEncoder();
        var cache = new CachingPromptEncoder(inner, capacity: 2);

        cache.Encode("a");
        cache.Encode("b");
        cache.Encode("a");
        cache.Encode("c"); // evicts "b", the least recently used
        cache.Encode("a");
        cache.Encode("b");

        Assert.Equal(2, cache.Count);
        Assert.Equal(4, inner.Calls);
    }

    [Fact]
    public void MiniLmEncoder_TwoSentences_ParaphraseCloserThanUnrelated()
    {
        using var encoder = new MiniLmPromptEncoder();

        var vectors = encoder.EncodeBatch(["How do I bake sourdough bread?", "What is a good recipe for sourdough?", "Prove that there are infinitely many primes."]);

        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.Equal(1f, TensorPrimitives.Norm(vectors[0]), 3);
        Assert.True(TensorPrimitives.Dot(vectors[0], vectors[1]) > TensorPrimitives.Dot(vectors[0], vectors[2]) + 0.2f);
    }

    [Theory]
    [InlineData(256, "sentence-transformers/all-MiniLM-L6-v2")]
    [InlineData(64, "sentence-transformers/all-MiniLM-L6-v2@64")]
    public void MiniLmIds_Truncation_RoundTrips(int maxTokens, string id)
    {
        Assert.Equal(id, MiniLmPromptEncoder.IdFor(maxTokens));
        Assert.Equal(maxTokens, MiniLmPromptEncoder.MaxTokensOf(id));
        Assert.Null(MiniLmPromptEncoder.MaxTokensOf("hashing-ngrams-v1/256"));
    }

    private sealed class CountingEncoder : IPromptEncoder
    {
        public int Calls { get; private set; }

        public string Id => "counting";

        public int Dimension => 1;

        public float[] Encode(string prompt)
        {
            Calls++;
            return [prompt.Length];
        }

        public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts) => prompts.Select(Encode).ToArray();
    }
}
