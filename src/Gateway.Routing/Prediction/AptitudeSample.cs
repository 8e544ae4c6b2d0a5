using Gateway.Routing.Data;

namespace Gateway.Routing.Prediction;

/// <summary>
/// Builds capability vectors from a public data set, which plays the aptitude test: a model's vector is its
/// mean score per task over a small fixed set of train prompts (at most <c>itemsPerTask</c> per task), the
/// same items for every model.
/// <para>
/// With reference models, the items are chosen like a designed test rather than at random: greedily, so that
/// the reference models' accuracy on the chosen items matches their accuracy on the whole task. Twenty random
/// items estimate an accuracy to about ±0.1; matched items are much closer for models like the references,
/// and a new model is measured on the same items.
/// </para>
/// </summary>
internal static class AptitudeSample
{
    public static IReadOnlyList<OutcomeRecord> Items(
        IReadOnlyList<OutcomeRecord> train,
        IReadOnlyList<string> tasks,
        int itemsPerTask,
        int seed,
        IReadOnlyList<string>? referenceModels = null) =>
        train.Where(o => tasks.Contains(o.Task))
            .GroupBy(o => o.Task)
            .SelectMany(g =>
            {
                var ordered = g.OrderBy(o => Mix(o.Id, seed)).ThenBy(o => o.Id, StringComparer.Ordinal).ToArray();
                return referenceModels is { Count: > 0 } ? Matched(ordered, itemsPerTask, referenceModels) : ordered.Take(itemsPerTask);
            })
            .ToArray();

    public static float[] Vector(IReadOnlyList<OutcomeRecord> items, IReadOnlyList<string> tasks, string model)
    {
        var vector = new float[tasks.Count];
        for (var t = 0; t < tasks.Count; t++)
        {
            var scores = items.Where(o => o.Task == tasks[t] && o.Scores.ContainsKey(model)).Select(o => o.Scores[model]).ToArray();
            vector[t] = scores.Length == 0 ? 0.5f : (float)scores.Average();
        }

        return vector;
    }

    private static IEnumerable<OutcomeRecord> Matched(OutcomeRecord[] candidates, int count, IReadOnlyList<string> models)
    {
        var target = models.Select(m => candidates.Average(o => o.Scores.GetValueOrDefault(m))).ToArray();
        var sums = new double[models.Count];
        var chosen = new List<OutcomeRecord>();
        var remaining = candidates.ToList();
        while (chosen.Count < count && remaining.Count > 0)
        {
            var k = chosen.Count + 1;
            var best = 0;
            var bestError = double.MaxValue;
            for (var i = 0; i < remaining.Count; i++)
            {
                var error = 0.0;
                for (var m = 0; m < models.Count; m++)
                {
                    var diff = ((sums[m] + remaining[i].Scores.GetValueOrDefault(models[m])) / k) - target[m];
                    error += diff * diff;
                }

                // Strictly better only: ties keep the seeded order, so the choice is deterministic.
                if (error < bestError - 1e-12)
                {
                    bestError = error;
                    best = i;
                }
            }

            var item = remaining[best];
            remaining.RemoveAt(best);
            chosen.Add(item);
            for (var m = 0; m < models.Count; m++)
            {
                sums[m] += item.Scores.GetValueOrDefault(models[m]);
            }
        }

        return chosen;
    }

    private static ulong Mix(string id, int seed)
    {
        var hash = 14695981039346656037ul ^ (ulong)seed;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211ul;
        }

        return hash ^ (hash >> 29);
    }
}
