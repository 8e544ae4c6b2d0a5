using Gateway.Inference.Grammar;
using Gateway.Inference.Protocol.ToolFormats;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>
/// A grammar that applies only from a trigger on (<c>tool_choice: auto</c>: the family's call opener), so a plain
/// answer stays free text. llama.cpp has such a sampler (<c>llama_sampler_init_grammar_lazy_patterns</c>), but it
/// matches with <c>std::regex</c> over all the text so far at every token, and when the triggering token carries text
/// the grammar refuses it throws a C++ exception past every .NET handler. Here the trigger is found in managed code,
/// and the grammar is then built rooted at the text the trigger's first token carried before the opener, so the tokens
/// already written are replayed through it only after it has allowed each one; one it refuses leaves the answer free.
/// </summary>
internal sealed class LazyGrammar(string gbnf, string root, LazyTrigger trigger)
{
    /// <summary>Tokens kept for replay: a trigger is short, so the tokens that wrote it are among the last few.</summary>
    private const int Recent = 64;

    private readonly List<(LLamaToken Token, int Start, string Piece)> _recent = [];

    /// <summary>Follows one freely sampled token; returns the grammar, with the trigger's tokens accepted, once it applies.</summary>
    public GrammarSampler? Watch(SafeLlamaModelHandle model, LLamaToken token, out bool abandoned)
    {
        abandoned = false;
        var piece = TokenText.Special(model, token);
        _recent.Add((token, trigger.Length, piece));
        if (_recent.Count > Recent)
        {
            _recent.RemoveAt(0);
        }
        var at = trigger.Push(piece);
        if (at < 0)
        {
            return null;
        }
        abandoned = true; // Whatever happens now, the trigger is spent.
        var first = _recent.FindIndex(r => r.Start + r.Piece.Length > at);
        if (first < 0 || _recent[first].Start > at)
        {
            return null;
        }
        var lead = _recent[first].Piece[..(at - _recent[first].Start)];
        var (grammar, rootName) = ToolGrammar.AfterLead(gbnf, lead, root);
        var sampler = GrammarSampler.TryCreate(model, grammar, rootName);
        if (sampler is null)
        {
            return null;
        }
        for (var i = first; i < _recent.Count; i++)
        {
            if (!sampler.Allows(_recent[i].Token))
            {
                sampler.Dispose();
                return null;
            }
            sampler.Accept(_recent[i].Token);
        }
        return sampler;
    }
}
