using System.Text;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>A token as OpenAI's logprobs show it: its text, its exact bytes and its log probability.</summary>
internal sealed record TokenAlternative(string Token, byte[] Bytes, float Logprob);

/// <summary>
/// A token's log probability, with the most likely tokens at that position when asked for; null (with no
/// alternatives) for a prompt's first token when nothing comes before it.
/// </summary>
internal sealed record TokenLogprob(string Token, byte[] Bytes, float? Logprob, IReadOnlyList<TokenAlternative> Top);

/// <summary>
/// Log probabilities from a decoded position's logits: the model's own distribution (a log-softmax over the whole
/// vocabulary), before temperature, top-p, logit bias or a grammar shape the sampling, as vLLM reports them.
/// </summary>
internal static class TokenLogprobs
{
    /// <summary>The most alternatives a request may ask for (OpenAI's limit for chat's <c>top_logprobs</c>).</summary>
    public const int MaxTop = 20;

    public static TokenLogprob Compute(ReadOnlySpan<float> logits, LLamaToken chosen, int top, SafeLlamaModelHandle model)
    {
        var max = float.NegativeInfinity;
        foreach (var logit in logits)
        {
            max = Math.Max(max, logit);
        }

        var sum = 0.0;
        foreach (var logit in logits)
        {
            sum += Math.Exp(logit - max);
        }

        var logSum = max + (float)Math.Log(sum);
        var best = Top(logits, Math.Min(top, logits.Length));
        var alternatives = new TokenAlternative[best.Length];
        for (var i = 0; i < best.Length; i++)
        {
            var bytes = Piece(model, best[i]);
            alternatives[i] = new TokenAlternative(Text(bytes), bytes, logits[best[i]] - logSum);
        }

        var chosenBytes = Piece(model, chosen);
        return new TokenLogprob(Text(chosenBytes), chosenBytes, logits[(int)chosen] - logSum, alternatives);
    }

    /// <summary>The ids of the <paramref name="count"/> largest logits, largest first (ties: lower id first).</summary>
    internal static int[] Top(ReadOnlySpan<float> logits, int count)
    {
        if (count <= 0)
        {
            return [];
        }

        // A small sorted buffer: for the 20 at most asked for, cheaper than sorting the vocabulary.
        var ids = new int[count];
        var values = new float[count];
        var filled = 0;
        for (var id = 0; id < logits.Length; id++)
        {
            var value = logits[id];
            if (filled == count && value <= values[count - 1])
            {
                continue;
            }

            var at = filled < count ? filled++ : count - 1;
            while (at > 0 && values[at - 1] < value)
            {
                values[at] = values[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }

            values[at] = value;
            ids[at] = id;
        }

        return filled == count ? ids : ids[..filled];
    }

    /// <summary>A first prompt token, which no position predicts.</summary>
    public static TokenLogprob Unconditioned(LLamaToken token, SafeLlamaModelHandle model)
    {
        var bytes = Piece(model, token);
        return new TokenLogprob(Text(bytes), bytes, null, []);
    }

    private static byte[] Piece(SafeLlamaModelHandle model, LLamaToken token)
    {
        Span<byte> buffer = stackalloc byte[64];
        var size = (int)model.TokenToSpan(token, buffer, 0, special: false);
        if (size <= buffer.Length)
        {
            return buffer[..size].ToArray();
        }

        var large = new byte[size];
        model.TokenToSpan(token, large, 0, special: false);
        return large;
    }

    /// <summary>The token's text; a token holding part of a character shows U+FFFD, its bytes say which part.</summary>
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
