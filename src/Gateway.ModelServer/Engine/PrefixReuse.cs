using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>How much of a prompt a cached token sequence can stand in for.</summary>
internal static class PrefixReuse
{
    /// <summary>
    /// Prompt tokens decoded even when the cache holds the whole prompt. The last one must be decoded for its logits,
    /// and two or more go through llama.cpp's matrix-matrix path, as a prompt decoded from scratch does (one token
    /// alone takes the matrix-vector path, whose results differ in their last bits).
    /// </summary>
    public const int Redecoded = 2;

    /// <summary>
    /// Fewest tokens worth copying from another sequence's cache. A copy between per-sequence caches moves that
    /// sequence's whole cache, so a few shared tokens (a chat template's opening) are cheaper to decode again.
    /// </summary>
    public const int MinCopied = 16;

    /// <summary>
    /// Where a prompt starts: after the longest prefix that its own sequence's cache (<paramref name="own"/>) or one of
    /// <paramref name="candidates"/> holds; another sequence's only for at least <see cref="MinCopied"/> tokens, and on
    /// a tie the earlier candidate. A candidate that has not decoded the whole prefix yet is waited for.
    /// </summary>
    public static PrefixPlan Plan(IReadOnlyList<LLamaToken> prompt, IReadOnlyList<LLamaToken>? own, IEnumerable<PrefixCandidate> candidates)
    {
        var plan = new PrefixPlan(own is null ? 0 : Reusable(prompt, own), From: null, Wait: false);
        foreach (var candidate in candidates)
        {
            var n = Reusable(prompt, candidate.Tokens);
            if (n >= MinCopied && n > plan.Keep)
            {
                plan = new PrefixPlan(n, candidate.Sequence, Wait: candidate.Decoded < n);
            }
        }
        return plan;
    }

    /// <summary>Leading tokens of <paramref name="prompt"/> that <paramref name="cached"/> holds, up to all but <see cref="Redecoded"/>.</summary>
    public static int Reusable(IReadOnlyList<LLamaToken> prompt, IReadOnlyList<LLamaToken> cached)
    {
        var limit = Math.Min(prompt.Count - Redecoded, cached.Count);
        var n = 0;
        while (n < limit && (int)prompt[n] == (int)cached[n])
        {
            n++;
        }
        return n;
    }
}

/// <summary>
/// Another sequence's cache a prompt may start from: the tokens it holds or, while that sequence still decodes its
/// prompt, will hold (<paramref name="Tokens"/>), of which <paramref name="Decoded"/> are in the cache now.
/// </summary>
internal readonly record struct PrefixCandidate(int Sequence, IReadOnlyList<LLamaToken> Tokens, int Decoded);

/// <summary>
/// Keep the first <paramref name="Keep"/> tokens: from the request's own sequence when <paramref name="From"/> is null,
/// else copied from sequence <paramref name="From"/>, once it has decoded them if <paramref name="Wait"/>.
/// </summary>
internal readonly record struct PrefixPlan(int Keep, int? From, bool Wait);
