using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Artifacts;
using Gateway.Routing.Decision;
using Gateway.Routing.Prediction;

namespace Gateway.Bench.Routing;

/// <summary>
/// Routers for the benchmarks: MiniLM-sized predictor weights (384 dimensions, 14 tasks, 64 hidden units, as
/// the shipped artefacts) with seeded random values, and 20 candidates. The arithmetic is the same as a trained
/// router's, so no artefact file is needed.
/// </summary>
internal static class BenchmarkRouters
{
    public const int Tasks = 14;

    /// <summary>
    /// About 500 tokens of ordinary English (1,950 characters) that does not repeat itself, so a hashed embedding
    /// has as many non-zero values as a real prompt of that size (about 600 of 4,096).
    /// </summary>
    public static readonly string Prompt500Tokens =
        "The quarterly report shows that revenue grew in every region except the north, where a late harvest delayed shipments. " +
        "Please summarise the main risks, list three actions for the operations team, and estimate the effect on next quarter's margin. " +
        "Background: our logistics partner raised freight rates by 7% in March, two warehouses switched to a new inventory system, " +
        "and the customer support backlog doubled after the product recall in week nine. Marketing spent 1.2 million on a spring " +
        "campaign whose conversion rate was below forecast, while online orders from returning buyers rose sharply. " +
        "The finance committee asks whether hedging the currency exposure in Brazil and Poland is worth its cost, given that " +
        "exchange-rate swings erased about a third of the gain from higher prices. Engineering reports that the checkout service " +
        "had four outages longer than ten minutes; each outage cost roughly 40,000 in lost sales. Procurement negotiated cheaper " +
        "packaging but the supplier cannot deliver before August. Human resources notes that attrition among warehouse staff " +
        "reached 18%, concentrated in night shifts, and proposes a retention bonus. Legal flagged a pending dispute with a former " +
        "distributor over exclusivity terms in Scandinavia. The board wants a one-page memo: start with a headline number, then " +
        "explain which assumptions matter most, quantify the downside scenario if freight rates rise another 5%, and recommend " +
        "whether to delay the planned expansion into Mexico until the backlog is cleared. Keep the tone neutral, avoid jargon, " +
        "cite the figures above where relevant, and end with open questions for the regional directors. If any figure looks " +
        "inconsistent, say so explicitly rather than smoothing it over, and suggest what data would resolve the doubt. " +
        "Finally, compare this quarter with the same quarter last year, when a warm winter boosted demand for outdoor equipment " +
        "and the company briefly ran out of its best-selling tent model.";

    /// <param name="ensemble">Predictors averaged (as <c>router train --ensemble</c>).</param>
    /// <param name="contrastFeatures">When above 0, each predictor has a contrast head over that many trailing features.</param>
    public static LearnedRouter Create(IPromptEncoder encoder, int candidates = 20, int ensemble = 1, int contrastFeatures = 0)
    {
        var random = new Random(7);
        var w = Weights(encoder.Dimension, ensemble, contrastFeatures, random);
        var capabilities = new Dictionary<string, float[]>();
        var list = new List<CandidateDescriptor>();
        for (var i = 0; i < candidates; i++)
        {
            var name = $"model-{i}";
            capabilities[name] = Enumerable.Range(0, Tasks).Select(_ => (float)random.NextDouble()).ToArray();
            list.Add(new CandidateDescriptor(name, ParamsB: 1 + i * 3, PricePerMTokInput: 0.1 * (i + 1), PricePerMTokOutput: 0.2 * (i + 1), ContextLength: 8192, ReleaseDate: new DateOnly(2025, 1 + (i % 12), 1)));
        }

        var artifact = new RouterArtifact(encoder.Id, w, capabilities, "benchmark", DateTimeOffset.UnixEpoch);
        return RouterFactory.Create(artifact, list, encoder);
    }

    /// <summary>Seeded random predictor weights of the shipped shape (14 tasks, 64 hidden units).</summary>
    public static PredictorWeights Weights(int dimension, int ensemble, int contrastFeatures, Random random)
    {
        var tasks = Enumerable.Range(0, Tasks).Select(t => $"task-{t}").ToArray();
        PredictorWeights Predictor()
        {
            var p = PredictorWeights.Create(dimension, tasks, 64, random);
            Fill(p.Affinity, random);
            Fill(p.Bilinear, random);
            Fill(p.Cross, random);
            if (contrastFeatures == 0)
            {
                return p;
            }

            var head = new ContrastHead(contrastFeatures, new float[contrastFeatures], Enumerable.Repeat(1f, contrastFeatures).ToArray(), new float[Tasks], new float[Tasks * Tasks * contrastFeatures]);
            Fill(head.Weights, random);
            return p with { Head = head };
        }

        var w = Predictor();
        return w with { Members = [.. Enumerable.Range(1, ensemble - 1).Select(_ => Predictor())] };
    }

    private static void Fill(float[] values, Random random)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * 0.05f;
        }
    }
}
