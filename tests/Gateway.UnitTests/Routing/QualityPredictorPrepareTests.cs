using Gateway.Routing.Prediction;

namespace Gateway.UnitTests.Routing;

/// <summary>
/// Routing prepares a prompt from the weights stored column by column (one pass over the non-zero embedding
/// values for every ensemble member); training keeps the row-by-row arithmetic. Both must score alike.
/// </summary>
public sealed class QualityPredictorPrepareTests
{
    private const int Dimension = 96;
    private static readonly string[] Tasks = ["math", "code", "poem"];

    [Theory]
    [InlineData(0, 1, false, 1.0)]
    [InlineData(6, 1, false, 1.0)]
    [InlineData(6, 3, true, 1.0)]
    [InlineData(6, 3, true, 0.1)]
    [InlineData(6, 3, true, 0.0)]
    public void Prepare_ColumnPass_ScoresAsTheRowByRowArithmetic(int hidden, int ensemble, bool head, double density)
    {
        var random = new Random(hidden + (ensemble * 10) + (int)(density * 100));
        var members = Enumerable.Range(0, ensemble).Select(_ => RandomWeights(random, hidden, head)).ToArray();
        var weights = members[0] with { Members = members[1..] };
        var predictor = new QualityPredictor(weights);

        for (var trial = 0; trial < 20; trial++)
        {
            var embedding = new float[Dimension];
            for (var j = 0; j < Dimension; j++)
            {
                embedding[j] = random.NextDouble() < density ? (float)((random.NextDouble() * 2) - 1) : 0f;
            }

            var routing = predictor.Prepare(embedding);
            var training = predictor.PrepareForTraining(embedding);
            for (var c = 0; c < 5; c++)
            {
                float[] capability = [.. Tasks.Select(_ => (float)random.NextDouble())];
                Assert.Equal(predictor.Logit(training, capability), predictor.Logit(routing, capability), 3);
            }

            Assert.Equal(training.Affinity, routing.Affinity, (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public void Prepare_WrongDimension_Throws()
    {
        var predictor = new QualityPredictor(RandomWeights(new Random(1), 2, head: false));

        Assert.Throws<ArgumentException>(() => predictor.Prepare(new float[Dimension - 1]));
        Assert.Throws<ArgumentException>(() => predictor.PrepareForTraining(new float[Dimension + 1]));
    }

    [Theory]
    [InlineData(4126)]
    [InlineData(7)]
    [InlineData(0)]
    public void NonZero_FindsEveryNonZeroValueInOrder_NegativeZeroCountsAsZero(int length)
    {
        var random = new Random(length);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            var draw = random.NextDouble();
            values[i] = draw < 0.05 ? (float)(draw - 0.025) : draw < 0.06 ? -0f : 0f;
        }

        if (length > 0)
        {
            values[^1] = 2f;
        }

        var indices = new int[length];

        var count = QualityPredictor.NonZero(values, indices);

        Assert.Equal(Enumerable.Range(0, length).Where(i => values[i] != 0f), indices.Take(count));
    }

    private static PredictorWeights RandomWeights(Random random, int hidden, bool head)
    {
        var w = PredictorWeights.Create(Dimension, Tasks, hidden, random);
        Fill(w.Affinity, random);
        Fill(w.Bilinear, random);
        Fill(w.Cross, random);
        var t = Tasks.Length;
        const int features = 8;
        return w with
        {
            Alpha = 0.7f,
            Bias = -0.2f,
            Head = head
                ? new ContrastHead(features, Filled(features, random), Filled(features, random), Filled(t, random), Filled(t * t * features, random))
                : null,
        };
    }

    private static float[] Filled(int length, Random random)
    {
        var values = new float[length];
        Fill(values, random);
        return values;
    }

    private static void Fill(float[] values, Random random)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * 0.3f;
        }
    }
}
