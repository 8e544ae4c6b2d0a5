using Gateway.Routing;
using Gateway.Routing.Data;

namespace Gateway.UnitTests.Routing.Costs;

/// <summary>
/// Outcomes with per-call costs and no price list: a cheap model right on short prompts only (on 9 of 10 of them)
/// and an expensive model right on every prompt. A call costs a fixed part plus a part per prompt token, the
/// expensive model a hundred times more.
/// </summary>
internal static class CostedRoutingData
{
    public const string Cheap = "cheap";
    public const string Expensive = "expensive";

    public const double CheapPerCall = 1e-6;
    public const double CheapPerToken = 1e-8;
    public const double ExpensivePerCall = 1e-4;
    public const double ExpensivePerToken = 1e-6;

    public static string Short(int i) => $"What is {i % 50} plus {(i % 7) + 1}?";

    public static string Long(int i) =>
        $"A shop sells {i % 40} apples at $1.25 each and {(i % 9) + 3} pears at $0.80 each. It then sells 15% more apples, " +
        $"half of the pears, and {(i % 5) + 2} baskets that cost twice as much as 3 pears. How much money did the shop take in total, in dollars?";

    public static RoutingDataset Create(int prompts = 120)
    {
        var outcomes = new List<OutcomeRecord>();
        for (var i = 0; i < prompts; i++)
        {
            var isShort = i % 2 == 0;
            var prompt = isShort ? Short(i) : Long(i);
            var tokens = TokenEstimator.Estimate(prompt);
            outcomes.Add(new OutcomeRecord(
                $"q{i}",
                i % 5 == 4 ? "test" : "train",
                "math",
                prompt,
                new Dictionary<string, double> { [Cheap] = isShort && i % 20 != 0 ? 1 : 0, [Expensive] = 1 },
                new Dictionary<string, double>
                {
                    [Cheap] = CheapPerCall + (CheapPerToken * tokens),
                    [Expensive] = ExpensivePerCall + (ExpensivePerToken * tokens),
                }));
        }

        // No price_per_mtok and no roles: the recorded costs are the only evidence of price.
        return new RoutingDataset("costed", [new(Cheap, 7), new(Expensive, 70)], outcomes);
    }
}
