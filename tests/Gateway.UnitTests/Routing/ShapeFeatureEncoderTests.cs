using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

public sealed class ShapeFeatureEncoderTests
{
    [Fact]
    public void Encode_AppendsShapeAfterInnerEmbedding()
    {
        var inner = new HashingPromptEncoder(64);
        var encoder = new ShapeFeatureEncoder(inner);
        const string prompt = "Tom buys 3 packs of 12 eggs for $4.50 each. How much does he pay?";

        var vector = encoder.Encode(prompt);

        Assert.Equal(64 + ShapeFeatureEncoder.ShapeDimension, vector.Length);
        Assert.Equal(encoder.Dimension, vector.Length);
        Assert.Equal(inner.Encode(prompt), vector[..64]);
        Assert.Equal("hashing-ngrams-v1/64+shape-v1", encoder.Id);
    }

    [Fact]
    public void Shape_LongerWordProblem_DiffersFromShortQuestion()
    {
        var shortShape = Shape("What is the capital of France?");
        var longShape = Shape(string.Join(' ', Enumerable.Repeat("Anna has 15 apples and gives 40% of them to 2 friends, then buys 7.5 kg more.", 8)));

        Assert.NotEqual(shortShape, longShape);

        // One length bucket is on in each, and they differ.
        Assert.Equal(1, shortShape[..8].Count(v => v > 0));
        Assert.NotEqual(Array.IndexOf(shortShape[..8], ShapeFeatureEncoder.Weight), Array.IndexOf(longShape[..8], ShapeFeatureEncoder.Weight));

        // No numbers in the short one (first numbers bucket), many in the long one (last bucket).
        Assert.Equal(ShapeFeatureEncoder.Weight, shortShape[8]);
        Assert.Equal(ShapeFeatureEncoder.Weight, longShape[12]);
    }

    [Theory]
    [InlineData("It costs 2.5 units.", 4)] // decimals
    [InlineData("Take 40% of it.", 5)] // percent
    [InlineData("She ate 1/3 of the cake.", 6)] // fraction
    [InlineData("He spent twice as much.", 6)] // ratio word
    [InlineData("It costs $5.", 7)] // money
    public void Shape_ArithmeticSigns_SetTheirFlag(string prompt, int flag)
    {
        const int continuousStart = 8 + 5 + 3 + 3;

        var shape = Shape(prompt);

        Assert.Equal(ShapeFeatureEncoder.Weight, shape[continuousStart + flag]);
        Assert.Equal(0f, Shape("Name a colour.")[continuousStart + flag]);
    }

    [Fact]
    public void Shape_EmptyPrompt_IsFinite()
    {
        Assert.All(Shape(""), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void InnerIdOf_ParsesOnlyShapeIds()
    {
        Assert.Equal("hashing-ngrams-v1/64", ShapeFeatureEncoder.InnerIdOf("hashing-ngrams-v1/64+shape-v1"));
        Assert.Null(ShapeFeatureEncoder.InnerIdOf("hashing-ngrams-v1/64"));
        Assert.Null(ShapeFeatureEncoder.InnerIdOf("+shape-v1"));
    }

    [Fact]
    public void RouterFactoryLoad_ShapeArtifact_CreatesItsOwnEncoder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "shape-router-" + Guid.NewGuid().ToString("N"));
        try
        {
            var encoder = new ShapeFeatureEncoder(new HashingPromptEncoder(16));
            var weights = new PredictorWeights(
                encoder.Dimension, RouterTestKit.Tasks, 0,
                new float[RouterTestKit.Tasks.Count * (encoder.Dimension + 1)], [],
                new float[(RouterTestKit.Tasks.Count + 1) * (encoder.Dimension + 1)], new float[RouterTestKit.Tasks.Count * RouterTestKit.Tasks.Count],
                1f, 0f);
            var capabilities = new Dictionary<string, float[]> { ["a"] = [0.3f, 0.3f], ["b"] = [0.7f, 0.7f] };
            RouterArtifactStore.Save(dir, new RouterArtifact(encoder.Id, weights, capabilities, "test", DateTimeOffset.UnixEpoch));

            var router = RouterFactory.Load(dir, [new("a"), new("b")]);

            Assert.Equal("b", router.Route(new RouteRequest("Add 2 and 3.")).Best?.Name);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static float[] Shape(string prompt)
    {
        var features = new float[ShapeFeatureEncoder.ShapeDimension];
        ShapeFeatureEncoder.WriteShape(prompt, features);
        return features;
    }
}
