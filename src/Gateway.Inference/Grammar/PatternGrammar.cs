using System.Globalization;
using System.Text;

namespace Gateway.Inference.Grammar;

/// <summary>
/// Turns a JSON-schema <c>pattern</c> (an ECMA-262 regular expression) into a GBNF expression for a string's
/// characters, as they appear between the quotes of JSON text.
/// </summary>
/// <remarks>
/// The grammar admits a subset of what the pattern matches, never more: the whole string is the pattern
/// (anchored, even where the pattern is not), classes lose the characters JSON would have to escape, and
/// <c>*</c>, <c>+</c> and <c>{n,}</c> repeat at most a given number more times where the limits bound strings. Supported: literals and escapes, <c>.</c>, classes with
/// ranges and negation, <c>\d \w \s \D \W \S</c>, groups (capturing or <c>(?:…)</c>), alternation,
/// <c>* + ? {n} {n,} {n,m}</c> (lazy forms too), and <c>^</c>/<c>$</c> at the ends. Anything else (back
/// references, look-around, word boundaries, POSIX classes) is refused with a <see cref="GrammarException"/>.
/// </remarks>
internal sealed class PatternGrammar
{
    /// <summary>The longest pattern translated; longer ones are refused before they are parsed.</summary>
    public const int MaxPatternLength = 1000;

    // What '.' and negated classes may produce: printable ASCII except the two characters JSON escapes.
    private const string Printable = "\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E";
    private readonly string _pattern;
    private readonly int? _openRepeat;
    private int _at;

    private PatternGrammar(string pattern, int? openRepeat)
    {
        _pattern = pattern;
        _openRepeat = openRepeat;
    }

    /// <summary>The GBNF expression for the string contents the pattern matches.</summary>
    /// <param name="pattern">The regular expression.</param>
    /// <param name="openRepeat">How many more times <c>*</c>, <c>+</c> and <c>{n,}</c> may repeat; null for no bound.</param>
    public static string Translate(string pattern, int? openRepeat = null)
    {
        if (pattern.Length > MaxPatternLength)
        {
            throw new GrammarException($"The pattern is {pattern.Length} characters long; at most {MaxPatternLength} can be enforced.");
        }
        var parser = new PatternGrammar(pattern, openRepeat);
        if (parser.Peek('^'))
        {
            parser._at++;
        }
        var expression = parser.Alternation();
        if (parser._at < pattern.Length)
        {
            throw parser.Error(parser._pattern[parser._at] == ')' ? "an unmatched ')'" : $"'{parser._pattern[parser._at]}'");
        }
        return expression;
    }

    private string Alternation()
    {
        var branches = new List<string> { Sequence() };
        while (Peek('|'))
        {
            _at++;
            branches.Add(Sequence());
        }
        return branches.Count == 1 ? branches[0] : "( " + string.Join(" | ", branches) + " )";
    }

    private string Sequence()
    {
        var items = new List<string>();
        while (_at < _pattern.Length && _pattern[_at] is not ('|' or ')'))
        {
            if (_pattern[_at] == '$' && _at == _pattern.Length - 1)
            {
                _at++;
                break;
            }
            var atom = Atom();
            items.Add(Quantified(atom));
        }
        return items.Count == 0 ? "\"\"" : string.Join(" ", items);
    }

    private string Atom()
    {
        var c = _pattern[_at++];
        switch (c)
        {
            case '(':
                if (Peek('?'))
                {
                    if (_at + 1 < _pattern.Length && _pattern[_at + 1] == ':')
                    {
                        _at += 2;
                    }
                    else
                    {
                        throw Error("look-around and named groups");
                    }
                }
                var inner = Alternation();
                if (!Peek(')'))
                {
                    throw Error("an unclosed '('");
                }
                _at++;
                return "( " + inner + " )";
            case '[':
                return Class();
            case '.':
                return $"[{Printable}]";
            case '\\':
                return Escape();
            case '*' or '+' or '?' or '{':
                throw Error($"a quantifier '{c}' with nothing to repeat");
            case '^' or '$':
                throw Error($"'{c}' anywhere but at the ends");
            default:
                return Literal(c);
        }
    }

    private string Quantified(string atom)
    {
        if (_at >= _pattern.Length)
        {
            return atom;
        }
        var quantifier = _pattern[_at];
        string? result = quantifier switch
        {
            '*' => _openRepeat is { } star ? $"{Group(atom)}{{0,{star}}}" : $"{Group(atom)}*",
            '+' => _openRepeat is { } plus ? $"{Group(atom)}{{1,{plus}}}" : $"{Group(atom)}+",
            '?' => $"{Group(atom)}?",
            '{' => Repeat(atom),
            _ => null,
        };
        if (result is null)
        {
            return atom;
        }
        if (quantifier != '{')
        {
            _at++;
        }
        if (Peek('?'))
        {
            _at++; // Lazy or greedy matches the same strings.
        }
        if (_at < _pattern.Length && _pattern[_at] is '*' or '+' or '?' or '{')
        {
            throw Error("a quantifier on a quantifier");
        }
        return result;
    }

    private string? Repeat(string atom)
    {
        var close = _pattern.IndexOf('}', _at);
        if (close < 0)
        {
            throw Error("an unclosed '{'");
        }
        var parts = _pattern[(_at + 1)..close].Split(',');
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            || (parts.Length == 2 && parts[1].Length > 0 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw Error($"the repetition '{_pattern[_at..(close + 1)]}'");
        }
        int? max = parts.Length == 1 ? min : parts[1].Length == 0 ? min + _openRepeat : int.Parse(parts[1], CultureInfo.InvariantCulture);
        if (max < min || max > 1000 || min > 1000)
        {
            throw Error($"the repetition '{_pattern[_at..(close + 1)]}'");
        }
        _at = close + 1;
        return min == max ? $"{Group(atom)}{{{min}}}" : max is { } m ? $"{Group(atom)}{{{min},{m}}}" : $"{Group(atom)}{{{min},}}";
    }

    private string Class()
    {
        var negated = Peek('^');
        if (negated)
        {
            _at++;
        }
        var members = new StringBuilder();
        var first = true;
        while (_at < _pattern.Length && (_pattern[_at] != ']' || first))
        {
            first = false;
            if (_pattern[_at] == '[' && _at + 1 < _pattern.Length && _pattern[_at + 1] == ':')
            {
                throw Error("POSIX character classes ([:alpha:])");
            }
            var (low, set) = ClassMember();
            if (set is not null)
            {
                members.Append(set);
                continue;
            }
            if (_at + 1 < _pattern.Length && _pattern[_at] == '-' && _pattern[_at + 1] != ']')
            {
                _at++;
                var (high, highSet) = ClassMember();
                if (highSet is not null || high < low)
                {
                    throw Error("a character range that is out of order");
                }
                AppendRange(members, low, high, negated);
            }
            else
            {
                AppendRange(members, low, low, negated);
            }
        }
        if (!Peek(']'))
        {
            throw Error("an unclosed '['");
        }
        _at++;
        if (negated)
        {
            // Never a quote, a backslash or a control character: JSON would have to escape them.
            return $"[^{members}\\x00-\\x1F\\x22\\x5C\\x7F-\\U0010FFFF]";
        }
        if (members.Length == 0)
        {
            throw Error("a class that holds only characters JSON escapes");
        }
        return $"[{members}]";
    }

    /// <summary>One class member: a character, or a shorthand (\d) as GBNF class text.</summary>
    private (char Char, string? Set) ClassMember()
    {
        var c = _pattern[_at++];
        if (c != '\\')
        {
            return (c, null);
        }
        if (_at >= _pattern.Length)
        {
            throw Error("a trailing '\\'");
        }
        var e = _pattern[_at++];
        return e switch
        {
            'd' => ('\0', "0-9"),
            'w' => ('\0', "a-zA-Z0-9_"),
            's' => ('\0', " "),
            'D' or 'W' or 'S' => throw Error($"'\\{e}' inside a class"),
            _ => (Escaped(e), null),
        };
    }

    private string Escape()
    {
        if (_at >= _pattern.Length)
        {
            throw Error("a trailing '\\'");
        }
        var e = _pattern[_at++];
        return e switch
        {
            'd' => "[0-9]",
            'w' => "[a-zA-Z0-9_]",
            's' => "\" \"",
            'D' => "[\\x20-\\x21\\x23-\\x2F\\x3A-\\x5B\\x5D-\\x7E]",
            'W' => "[\\x20-\\x21\\x23-\\x2F\\x3A-\\x40\\x5B\\x5D-\\x5E\\x60\\x7B-\\x7E]",
            'S' => "[\\x21\\x23-\\x5B\\x5D-\\x7E]",
            'b' or 'B' => throw Error("word boundaries"),
            >= '1' and <= '9' => throw Error("back references"),
            _ => Literal(Escaped(e)),
        };
    }

    private char Escaped(char e) => e switch
    {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'f' => '\f',
        'v' => '\v',
        'u' or 'x' => Hex(e == 'u' ? 4 : 2),
        _ when char.IsAsciiLetterOrDigit(e) => throw Error($"the escape '\\{e}'"),
        _ => e,
    };

    private char Hex(int digits)
    {
        if (_at + digits > _pattern.Length || !int.TryParse(_pattern.AsSpan(_at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw Error("a malformed hexadecimal escape");
        }
        _at += digits;
        return (char)code;
    }

    /// <summary>A literal character as it appears in JSON text (quote, backslash and controls escaped).</summary>
    private static string Literal(char c) => GbnfRules.Literal(c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\t' => "\\t",
        '\r' => "\\r",
        < ' ' => $"\\u{(int)c:x4}",
        _ => c.ToString(),
    });

    private static void AppendRange(StringBuilder members, char low, char high, bool negated)
    {
        // A positive class keeps only what JSON writes unescaped; a negated one excludes those anyway.
        for (var start = low; start <= high;)
        {
            if (!negated && (start < ' ' || start is '"' or '\\'))
            {
                start++;
                continue;
            }
            var end = start;
            while (end < high && (negated || !(end + 1 < ' ' || end + 1 is '"' or '\\')))
            {
                end++;
            }
            members.Append(ClassChar(start));
            if (end > start)
            {
                members.Append('-').Append(ClassChar(end));
            }
            if (end == char.MaxValue)
            {
                break;
            }
            start = (char)(end + 1);
        }
    }

    private static string ClassChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || (c > ' ' && c < 0x7F && c is not (']' or '[' or '-' or '^' or '\\' or '"'))
            ? c.ToString()
            : c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}";

    private static string Group(string atom) => atom.StartsWith('(') || atom.StartsWith('[') ? atom : "( " + atom + " )";

    private bool Peek(char c) => _at < _pattern.Length && _pattern[_at] == c;

    private GrammarException Error(string what) =>
        new($"The pattern '{_pattern}' uses {what}, which the grammar cannot enforce.");
}
