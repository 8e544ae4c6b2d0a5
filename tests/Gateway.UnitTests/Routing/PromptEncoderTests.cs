using System.Numerics.Tensors;
using Gateway.Embeddings;
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

    /// <summary>
    /// Trained artefacts depend on the exact encoding: signed hashed counts of the lower-cased character trigrams
    /// and of the words string.Split(null) gives, L2-normalised. The reference below is that definition, written
    /// the plain way; the encoder must match it on every kind of white space and on surrogate pairs.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a")]
    [InlineData("\tHello  World\n")]
    [InlineData("x\u00A0y\u2003z\u3000w\u0085v")]
    [InlineData(" lead and trail ")]
    [InlineData("ÉCOLE Straße \U00010400\U00010428 İstanbul ok")]
    [InlineData("Compute 12 plus 7, then multiply by 3.\r\nShow the steps.")]
    public void HashingEncoder_Encoding_IsTheDefinedTrigramsAndWords(string escaped)
    {
        var prompt = System.Text.RegularExpressions.Regex.Unescape(escaped);

        Assert.Equal(Reference(prompt, 64), new HashingPromptEncoder(64).Encode(prompt));
    }

    private static float[] Reference(string prompt, int dimension)
    {
        static uint Fnv(string chars, uint seed)
        {
            var hash = 2166136261u ^ seed;
            foreach (var c in chars)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return hash ^ (hash >> 15);
        }

        var vector = new float[dimension];
        void Add(uint hash) => vector[(int)(hash % (uint)dimension)] += (hash & 0x80000000u) != 0 ? 1f : -1f;
        var text = prompt.ToLowerInvariant();
        for (var i = 0; i + 3 <= text.Length; i++)
        {
            Add(Fnv(text.Substring(i, 3), 0x9E3779B9u));
        }

        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            Add(Fnv(word, 0x85EBCA6Bu));
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
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
