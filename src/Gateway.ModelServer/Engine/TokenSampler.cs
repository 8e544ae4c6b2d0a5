using LLama.Native;
using LLama.Sampling;

namespace Gateway.ModelServer.Engine;

/// <summary>A grammar left no token the model could write next; the request fails, the others go on.</summary>
internal sealed class GrammarDeadEndException(string message) : Exception(message);

/// <summary>
/// Picks one sequence's next token: the sampling chain (bias, penalties, truncation, temperature, seeded draw) and,
/// for a constrained request, its grammar. As LLamaSharp does, the unconstrained pick is tried against the grammar
/// first and the whole vocabulary is filtered only when the grammar refuses it; unlike it, a token the grammar has not
/// allowed is never accepted (llama.cpp would throw past any handler), and a grammar that allows nothing at all
/// fails the request with a <see cref="GrammarDeadEndException"/>. A lazy grammar (<see cref="LazyGrammar"/>) leaves
/// sampling free until its trigger appears, and constrains every token after it.
/// </summary>
internal sealed class TokenSampler(DefaultSamplingPipeline pipeline, GrammarSampler? grammar, LazyGrammar? lazy = null) : IDisposable
{
    private LLamaTokenData[]? _candidates;
    private GrammarSampler? _grammar = grammar;
    private LazyGrammar? _lazy = lazy;

    public LLamaToken Sample(SafeLLamaContextHandle context, int index)
    {
        if (_grammar is not { } active)
        {
            var picked = pipeline.Sample(context, index);
            if (_lazy is { } watcher)
            {
                _grammar = watcher.Watch(context.ModelHandle, picked, out var spent);
                if (spent)
                {
                    _lazy = null;
                }
            }
            return picked;
        }
        var logits = context.GetLogitsIth(index);
        var candidates = _candidates ??= new LLamaTokenData[logits.Length];
        using (LLamaTokenDataArrayNative.Create(LLamaTokenDataArray.Create(logits, candidates), out var free))
        {
            pipeline.Apply(context, ref free);
            var token = free.Data[(int)free.Selected].ID;
            if (active.Allows(token))
            {
                Accept(token);
                return token;
            }
        }
        using (LLamaTokenDataArrayNative.Create(LLamaTokenDataArray.Create(logits, candidates), out var constrained))
        {
            active.Apply(ref constrained);
            if (!AnyAllowed(constrained.Data))
            {
                throw new GrammarDeadEndException("The requested output format allows no token this model can write next.");
            }
            pipeline.Apply(context, ref constrained);
            var chosen = constrained.Data[(int)constrained.Selected];
            if (float.IsNegativeInfinity(chosen.Logit))
            {
                throw new GrammarDeadEndException("The requested output format allows no token the sampling settings keep.");
            }
            Accept(chosen.ID);
            return chosen.ID;
        }
    }

    private void Accept(LLamaToken token)
    {
        pipeline.Accept(token);
        _grammar!.Accept(token);
    }

    private static bool AnyAllowed(Span<LLamaTokenData> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (!float.IsNegativeInfinity(candidate.Logit))
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        pipeline.Dispose();
        _grammar?.Dispose();
    }
}
