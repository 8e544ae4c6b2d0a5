using System.Text;

namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>
/// Watches generated text for the point where a lazy grammar starts to apply: one of a family's openers in the
/// answer (never inside the model's thinking), or, for a call required of a thinking model, the end of its
/// thinking. Each piece is searched only where a trigger could newly end, so a long answer costs linear time.
/// </summary>
public sealed class LazyTrigger
{
    private readonly IReadOnlyList<string> _anywhere;
    private readonly IReadOnlyList<string> _atStart;
    private readonly bool _onThinkingEnd;
    private readonly StringBuilder _text = new();
    private readonly int _longest;

    /// <summary>Where the answer after the thinking starts; -1 while inside the thinking, -2 before the output says which.</summary>
    private int _contentStart;
    private bool _startOpen = true;

    /// <param name="anywhere">Triggers wherever they appear in the answer.</param>
    /// <param name="atStart">Triggers only as the first thing the answer says (after whitespace).</param>
    /// <param name="thinkingOpen">Whether the prompt already opened the thinking.</param>
    /// <param name="onThinkingEnd">Trigger at the end of the thinking (<c>&lt;/think&gt;</c>) instead.</param>
    public LazyTrigger(IReadOnlyList<string> anywhere, IReadOnlyList<string> atStart, bool thinkingOpen, bool onThinkingEnd = false)
    {
        _anywhere = anywhere;
        _atStart = atStart;
        _onThinkingEnd = onThinkingEnd;
        _contentStart = thinkingOpen ? -1 : -2;
        _longest = anywhere.Concat(atStart).Append(ReasoningTags.Close).Max(t => t.Length);
    }

    /// <summary>The text seen so far.</summary>
    public int Length => _text.Length;

    /// <summary>Adds the next piece; returns where the grammar's text starts once a trigger has appeared, else -1.</summary>
    public int Push(string piece)
    {
        var from = _text.Length;
        _text.Append(piece);
        if (_contentStart == -2)
        {
            var first = SkipSpace(0);
            var rest = Tail(first);
            if (rest.StartsWith(ReasoningTags.Open, StringComparison.Ordinal))
            {
                _contentStart = -1;
                from = first + ReasoningTags.Open.Length;
            }
            else if (ReasoningTags.Open.StartsWith(rest, StringComparison.Ordinal) && !_onThinkingEnd)
            {
                return -1; // Still maybe "<think>"; an opener cannot be complete yet.
            }
            else
            {
                _contentStart = 0;
            }
        }
        if (_contentStart == -1)
        {
            var close = IndexOf(ReasoningTags.Close, Math.Max(0, from - ReasoningTags.Close.Length + 1));
            if (close < 0)
            {
                return -1;
            }
            if (_onThinkingEnd)
            {
                return close;
            }
            _contentStart = close + ReasoningTags.Close.Length;
            from = _contentStart;
        }
        if (_onThinkingEnd)
        {
            return -1; // The thinking never opened: nothing will trigger (the caller constrains from the start).
        }
        var best = -1;
        foreach (var trigger in _anywhere)
        {
            var at = IndexOf(trigger, Math.Max(_contentStart, from - trigger.Length + 1));
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }
        if (best >= 0)
        {
            return best;
        }
        if (_startOpen && _atStart.Count > 0)
        {
            var first = SkipSpace(_contentStart);
            var rest = Tail(first);
            if (rest.Length > 0)
            {
                foreach (var trigger in _atStart)
                {
                    if (rest.StartsWith(trigger, StringComparison.Ordinal))
                    {
                        return first;
                    }
                }
                _startOpen = _atStart.Any(t => t.StartsWith(rest, StringComparison.Ordinal));
            }
        }
        return -1;
    }

    private string Tail(int from) => from >= _text.Length ? "" : _text.ToString(from, Math.Min(_text.Length - from, _longest));

    private int IndexOf(string value, int from)
    {
        if (from >= _text.Length)
        {
            return -1;
        }
        var found = _text.ToString(from, _text.Length - from).IndexOf(value, StringComparison.Ordinal);
        return found < 0 ? -1 : from + found;
    }

    private int SkipSpace(int i)
    {
        while (i < _text.Length && char.IsWhiteSpace(_text[i]))
        {
            i++;
        }
        return i;
    }
}
