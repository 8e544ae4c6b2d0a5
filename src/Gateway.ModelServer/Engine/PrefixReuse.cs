using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>How much of a prompt a cached token sequence can stand in for.</summary>
internal static class PrefixReuse
{
    /// <summary>
    /// Prompt tokens decoded even when the cache holds the whole prompt. The last one must be decoded for its logits,
    /// and two or more go through llama.cpp's matrix-matrix path, as a prompt decoded from scratch does, so a seeded
    /// request whose prompt came from the cache gives the same text as one that decoded it (one token alone takes
    /// the matrix-vector path, whose last bits differ).
    /// </summary>
    public const int Redecoded = 2;

    /// <summary>
    /// Fewest tokens worth copying from another sequence's cache. A copy between per-sequence caches moves that
    /// sequence's whole cache, so a few shared tokens (a chat template's opening) are cheaper to decode again.
    /// </summary>
    public const int MinCopied = 16;

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
