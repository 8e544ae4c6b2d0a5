using System.Numerics.Tensors;
using Gateway.Craft.Toolsets;
using Gateway.Craft.Verification;
using Gateway.Embeddings;

namespace Gateway.Craft.Creation;

/// <summary>A tool dropped as a duplicate of the one kept.</summary>
internal sealed record MergedTool(CraftTool Dropped, CraftTool Kept, string Reason);

/// <summary>
/// Merges duplicates: tools with the same name, or whose name and docstring embed nearly alike, form a group, and
/// the group keeps its most general tool: the one that returns the right answer for the most of the group's
/// source problems (each member's example call), ties going to the earlier tool.
/// </summary>
internal sealed class ToolDeduplicator(ToolVerifier verifier, IPromptEncoder encoder, double similarity = 0.95)
{
    public async Task<(IReadOnlyList<CraftTool> Kept, IReadOnlyList<MergedTool> Merged)> DeduplicateAsync(
        IReadOnlyList<CraftTool> tools, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var vectors = encoder.EncodeBatch(tools.Select(Describe).ToArray());
        var group = Enumerable.Range(0, tools.Count).ToArray();
        int Root(int i) => group[i] == i ? i : group[i] = Root(group[i]);
        for (var i = 0; i < tools.Count; i++)
        {
            for (var j = i + 1; j < tools.Count; j++)
            {
                if (tools[i].Name == tools[j].Name || TensorPrimitives.CosineSimilarity(vectors[i], vectors[j]) >= similarity)
                {
                    group[Root(j)] = Root(i);
                }
            }
        }

        var kept = new List<CraftTool>();
        var merged = new List<MergedTool>();
        foreach (var members in Enumerable.Range(0, tools.Count).GroupBy(Root).Select(g => g.Select(i => tools[i]).ToList()))
        {
            if (members.Count == 1)
            {
                kept.Add(members[0]);
                continue;
            }

            var scores = new int[members.Count];
            for (var m = 0; m < members.Count; m++)
            {
                foreach (var source in members)
                {
                    if ((await verifier.VerifyToolAsync(members[m], source.Example.Arguments, source.Example.Result, cancellationToken)).Passed)
                    {
                        scores[m]++;
                    }
                }
            }

            var best = Array.IndexOf(scores, scores.Max());
            kept.Add(members[best]);
            for (var m = 0; m < members.Count; m++)
            {
                if (m != best)
                {
                    var why = members[m].Name == members[best].Name ? "has the same name as" : "is nearly identical to";
                    merged.Add(new MergedTool(members[m], members[best],
                        $"{why} '{members[best].Name}' (from {members[best].SourceId}), which solves {scores[best]} of the group's {members.Count} problems; this one solves {scores[m]}"));
                }
            }
        }

        return (kept, merged);
    }

    private static string Describe(CraftTool tool) => tool.Name.Replace('_', ' ') + ": " + tool.Docstring;
}
