namespace Gateway.Inference.Grammar;

/// <summary>
/// Walks GBNF text the way llama.cpp's parser does and counts what it would build: named rules, the rules groups and
/// repetitions generate, and their elements, stopping at the first of <see cref="GrammarBounds"/> exceeded.
/// </summary>
/// <remarks>
/// The counting follows llama.cpp's <c>parse_sequence</c>: a group is a rule of its own, referenced once; <c>X{m,n}</c>
/// copies X m − 1 more times into the rule and generates n − m rules that hold X again (one for an open count), and
/// the rules a repeated item generated count against the repetition (<c>n_prev_rules</c> there).
/// </remarks>
internal sealed class GbnfMeasure(string text)
{
    // llama.cpp treats a larger upper count as no upper count at all.
    private const int NativeRepetitionLimit = 2000;
    private int _at;
    private long _rules;
    private long _expandedRules;
    private long _expandedElements;

    public void Run()
    {
        while (true)
        {
            SkipSpace(newlines: true);
            if (_at >= text.Length)
            {
                return;
            }
            var name = Name();
            SkipSpace(newlines: false);
            if (!Take("::="))
            {
                throw Malformed($"'::=' after rule '{name}'");
            }
            if (++_rules > GrammarBounds.MaxRules)
            {
                throw new GrammarException($"The grammar has more than {GrammarBounds.MaxRules} rules.");
            }
            Generated(rules: 1, elements: 0);
            Generated(rules: 0, elements: Alternates(depth: 0));
        }
    }

    /// <summary>Parses alternatives up to the end of the rule or group; returns the elements of the rule they form.</summary>
    private long Alternates(int depth)
    {
        var alternatives = 1;
        var elements = Sequence(depth);
        SkipSpace(newlines: depth > 0);
        while (Peek('|'))
        {
            _at++;
            if (++alternatives > GrammarBounds.MaxAlternatives)
            {
                throw new GrammarException($"A rule of the grammar has more than {GrammarBounds.MaxAlternatives} alternatives.");
            }
            elements += 1 + Sequence(depth);
            SkipSpace(newlines: depth > 0);
        }
        return elements + 1;
    }

    private long Sequence(int depth)
    {
        long elements = 0;
        long last = 0;
        long previousRules = 1;
        while (true)
        {
            SkipSpace(newlines: depth > 0);
            if (_at >= text.Length)
            {
                return elements;
            }
            var c = text[_at];
            switch (c)
            {
                case '"':
                    last = Quoted('"');
                    previousRules = 1;
                    elements += last;
                    break;
                case '[':
                    last = Quoted(']');
                    previousRules = 1;
                    elements += last;
                    break;
                case '.':
                    _at++;
                    (last, previousRules) = (1, 1);
                    elements++;
                    break;
                case '(':
                    _at++;
                    if (depth + 1 > GrammarBounds.MaxNesting)
                    {
                        throw new GrammarException($"The grammar nests groups more than {GrammarBounds.MaxNesting} deep.");
                    }
                    var before = _expandedRules;
                    Generated(rules: 1, elements: 0);
                    Generated(rules: 0, elements: Alternates(depth + 1));
                    SkipSpace(newlines: true);
                    if (!Take(")"))
                    {
                        throw Malformed("')'");
                    }
                    (last, previousRules) = (1, Math.Max(1, _expandedRules - before));
                    elements++;
                    break;
                case '*' or '+' or '?' or '{':
                    elements += Repeat(last, ref previousRules);
                    break;
                default:
                    if (!IsNameChar(c))
                    {
                        return elements;
                    }
                    Name();
                    (last, previousRules) = (1, 1);
                    elements++;
                    break;
            }
        }
    }

    /// <summary>Applies a repetition to the last item (<paramref name="last"/> elements); returns the change in the rule's elements.</summary>
    private long Repeat(long last, ref long previousRules)
    {
        if (last == 0)
        {
            throw Malformed("an item before a repetition");
        }
        var (min, max) = Counts();
        if (max > NativeRepetitionLimit)
        {
            max = null;
        }
        var total = max is > 0 ? max.Value : min > 0 ? min : 1;
        if (previousRules * total > GrammarBounds.MaxRepetitionExpansion)
        {
            throw new GrammarException(
                $"The grammar repeats an item that expands to {previousRules} rules {total} times ({previousRules * total}); nested repetitions may expand to at most {GrammarBounds.MaxRepetitionExpansion}.");
        }
        var optional = max is { } m ? m - min : 1;
        Generated(rules: optional, elements: optional * (last + 3));
        previousRules *= total;
        var copies = min == 0 ? -last : last * (min - 1);
        return copies + (optional > 0 ? 1 : 0);
    }

    private (long Min, long? Max) Counts()
    {
        var c = text[_at++];
        switch (c)
        {
            case '*':
                return (0, null);
            case '+':
                return (1, null);
            case '?':
                return (0, 1);
        }
        var close = text.IndexOf('}', _at);
        if (close < 0)
        {
            throw Malformed("'}'");
        }
        var parts = text[_at..close].Split(',');
        _at = close + 1;
        if (parts.Length > 2 || !long.TryParse(parts[0].Trim(), out var min) || min < 0)
        {
            throw Malformed("a repetition count");
        }
        if (parts.Length == 1)
        {
            return (min, min);
        }
        if (parts[1].Trim().Length == 0)
        {
            return (min, null);
        }
        return long.TryParse(parts[1].Trim(), out var max) && max >= min ? (min, max) : throw Malformed("a repetition count");
    }

    /// <summary>Skips a string literal or a character class; returns its characters (an upper bound on its elements).</summary>
    private long Quoted(char close)
    {
        _at++;
        long count = 0;
        while (_at < text.Length && text[_at] != close)
        {
            _at += text[_at] == '\\' ? 2 : 1;
            count++;
        }
        if (_at >= text.Length)
        {
            throw Malformed($"'{close}'");
        }
        _at++;
        return Math.Max(1, count);
    }

    private void Generated(long rules, long elements)
    {
        _expandedRules += rules;
        _expandedElements += elements;
        if (_expandedRules > GrammarBounds.MaxExpandedRules)
        {
            throw new GrammarException($"The grammar expands to more than {GrammarBounds.MaxExpandedRules} rules.");
        }
        if (_expandedElements > GrammarBounds.MaxExpandedElements)
        {
            throw new GrammarException($"The grammar expands to more than {GrammarBounds.MaxExpandedElements} elements.");
        }
    }

    private string Name()
    {
        var start = _at;
        while (_at < text.Length && IsNameChar(text[_at]))
        {
            _at++;
        }
        return _at > start ? text[start.._at] : throw Malformed("a rule name");
    }

    private void SkipSpace(bool newlines)
    {
        while (_at < text.Length)
        {
            var c = text[_at];
            if (c == '#')
            {
                while (_at < text.Length && text[_at] is not ('\n' or '\r'))
                {
                    _at++;
                }
            }
            else if (c is ' ' or '\t' || (newlines && c is '\n' or '\r'))
            {
                _at++;
            }
            else
            {
                return;
            }
        }
    }

    private bool Peek(char c) => _at < text.Length && text[_at] == c;

    private bool Take(string token)
    {
        if (string.CompareOrdinal(text, _at, token, 0, token.Length) != 0)
        {
            return false;
        }
        _at += token.Length;
        return true;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private GrammarException Malformed(string expected) => new($"The grammar is malformed: expected {expected} at character {_at}.");
}
