using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Inference.Templates;

internal enum TokenType
{
    Text, NumericLiteral, StringLiteral, Identifier, Equals, OpenParen, CloseParen, OpenStatement, CloseStatement,
    OpenExpression, CloseExpression, OpenSquareBracket, CloseSquareBracket, OpenCurlyBracket, CloseCurlyBracket,
    Comma, Dot, Colon, Pipe, AdditiveBinaryOperator, MultiplicativeBinaryOperator, ExponentiationBinaryOperator,
    ComparisonBinaryOperator, UnaryOperator, Comment,
}

internal sealed class Token(string value, TokenType type)
{
    public string Value { get; set; } = value;
    public TokenType Type { get; } = type;
}

/// <summary>
/// Splits a chat template into tokens the way the Hugging Face ecosystem's reference renderer (@huggingface/jinja)
/// does, with <c>trim_blocks</c> and <c>lstrip_blocks</c> on: model templates are written against that behaviour,
/// and a prompt that differs by one newline from the one a model was trained on is a different prompt.
/// </summary>
internal static partial class TemplateLexer
{
    private static readonly (string Text, TokenType Type)[] Rules =
    [
        ("{%", TokenType.OpenStatement), ("%}", TokenType.CloseStatement), ("{{", TokenType.OpenExpression), ("}}", TokenType.CloseExpression),
        ("(", TokenType.OpenParen), (")", TokenType.CloseParen), ("{", TokenType.OpenCurlyBracket), ("}", TokenType.CloseCurlyBracket),
        ("[", TokenType.OpenSquareBracket), ("]", TokenType.CloseSquareBracket), (",", TokenType.Comma), (".", TokenType.Dot),
        (":", TokenType.Colon), ("|", TokenType.Pipe), ("<=", TokenType.ComparisonBinaryOperator), (">=", TokenType.ComparisonBinaryOperator),
        ("==", TokenType.ComparisonBinaryOperator), ("!=", TokenType.ComparisonBinaryOperator), ("<", TokenType.ComparisonBinaryOperator),
        (">", TokenType.ComparisonBinaryOperator), ("+", TokenType.AdditiveBinaryOperator), ("-", TokenType.AdditiveBinaryOperator),
        ("~", TokenType.AdditiveBinaryOperator), ("**", TokenType.ExponentiationBinaryOperator), ("*", TokenType.MultiplicativeBinaryOperator),
        ("//", TokenType.MultiplicativeBinaryOperator), ("/", TokenType.MultiplicativeBinaryOperator), ("%", TokenType.MultiplicativeBinaryOperator),
        ("=", TokenType.Equals),
    ];

    [GeneratedRegex(@"^[ \t]*(\{[#%-])", RegexOptions.Multiline)]
    private static partial Regex LstripBlocks();

    [GeneratedRegex(@"([#%-]\})\n")]
    private static partial Regex TrimBlocks();

    [GeneratedRegex(@"\{%(-?)\s*(?:end)?generation\s*(-?)%\}(\s*)", RegexOptions.Singleline)]
    private static partial Regex GenerationTags();

    internal static bool IsWhitespace(char c) => c <= ' '
        ? c == ' ' || c is >= '\t' and <= '\r'
        : c > 127 && (c == '\u00a0' || c == '\u1680' || c is >= '\u2000' and <= '\u200a' || c == '\u2028' || c == '\u2029'
            || c == '\u202f' || c == '\u205f' || c == '\u3000' || c == '\ufeff');

    private static bool IsWord(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';

    private static string Preprocess(string template)
    {
        if (template.EndsWith('\n'))
        {
            template = template[..^1];
        }
        template = LstripBlocks().Replace(template, "$1");
        template = TrimBlocks().Replace(template, "$1");
        var result = new StringBuilder();
        var last = 0;
        foreach (Match match in GenerationTags().Matches(template))
        {
            var end = match.Index;
            while (match.Groups[1].Length > 0 && end > last && IsWhitespace(template[end - 1]))
            {
                end--;
            }
            result.Append(template, last, end - last).Append(match.Groups[2].Length > 0 ? "" : match.Groups[3].Value);
            last = match.Index + match.Length;
        }
        return result.Append(template, last, template.Length - last).ToString();
    }

    public static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        var src = Preprocess(source);
        var length = src.Length;
        var pos = 0;
        var curlyDepth = 0;

        char At(int i) => i < length ? src[i] : '\0';
        string ConsumeWhile(Func<char, bool> predicate)
        {
            var start = pos;
            while (predicate(At(pos)))
            {
                if (++pos >= length)
                {
                    throw new TemplateSyntaxException("Unexpected end of input");
                }
            }
            return src[start..pos];
        }
        void StripTrailingWhitespace()
        {
            if (tokens.Count > 0 && tokens[^1].Type == TokenType.Text)
            {
                tokens[^1].Value = TrimEnd(tokens[^1].Value);
                if (tokens[^1].Value.Length == 0)
                {
                    tokens.RemoveAt(tokens.Count - 1);
                }
            }
        }
        void SkipLeadingWhitespace()
        {
            while (pos < length && IsWhitespace(src[pos]))
            {
                pos++;
            }
        }

        while (pos < length)
        {
            TokenType? lastType = tokens.Count > 0 ? tokens[^1].Type : null;
            if (lastType is null or TokenType.CloseStatement or TokenType.CloseExpression or TokenType.Comment)
            {
                var end = pos;
                while (true)
                {
                    end = src.IndexOf('{', end);
                    if (end == -1)
                    {
                        end = length;
                        break;
                    }
                    if (At(end + 1) is '%' or '{' or '#')
                    {
                        break;
                    }
                    end++;
                }
                if (end > pos)
                {
                    tokens.Add(new Token(src[pos..end], TokenType.Text));
                    pos = end;
                    continue;
                }
            }

            if (src[pos] == '{')
            {
                var next = At(pos + 1);
                if (next == '#')
                {
                    pos += 2;
                    var stripBefore = At(pos) == '-';
                    if (stripBefore)
                    {
                        pos++;
                    }
                    var end = src.IndexOf("#}", pos, StringComparison.Ordinal);
                    if (end == -1)
                    {
                        throw new TemplateSyntaxException("Missing end of comment tag");
                    }
                    var comment = src[pos..end];
                    var stripAfter = comment.EndsWith('-');
                    if (stripAfter)
                    {
                        comment = comment[..^1];
                    }
                    if (stripBefore)
                    {
                        StripTrailingWhitespace();
                    }
                    tokens.Add(new Token(comment, TokenType.Comment));
                    pos = end + 2;
                    if (stripAfter)
                    {
                        SkipLeadingWhitespace();
                    }
                    continue;
                }
                if (At(pos + 2) == '-' && next is '%' or '{')
                {
                    StripTrailingWhitespace();
                    tokens.Add(next == '%' ? new Token("{%", TokenType.OpenStatement) : new Token("{{", TokenType.OpenExpression));
                    if (next == '{')
                    {
                        curlyDepth = 0;
                    }
                    pos += 3;
                    continue;
                }
            }

            ConsumeWhile(IsWhitespace);
            var c = src[pos];
            if (c == '-' && At(pos + 2) == '}' && At(pos + 1) is '%' or '}')
            {
                tokens.Add(At(pos + 1) == '%' ? new Token("%}", TokenType.CloseStatement) : new Token("}}", TokenType.CloseExpression));
                pos += 3;
                SkipLeadingWhitespace();
                continue;
            }
            if (c is '-' or '+')
            {
                if (lastType is null or TokenType.Text)
                {
                    throw new TemplateSyntaxException($"Unexpected character: {c}");
                }
                if (lastType is not (TokenType.Identifier or TokenType.NumericLiteral or TokenType.StringLiteral or TokenType.CloseParen or TokenType.CloseSquareBracket))
                {
                    pos++;
                    var num = ConsumeWhile(char.IsAsciiDigit);
                    if (num.Length > 0 && At(pos) == '.' && char.IsAsciiDigit(At(pos + 1)))
                    {
                        pos++;
                        num = $"{num}.{ConsumeWhile(char.IsAsciiDigit)}";
                    }
                    tokens.Add(new Token(c + num, num.Length > 0 ? TokenType.NumericLiteral : TokenType.UnaryOperator));
                    continue;
                }
            }

            var matched = false;
            foreach (var (text, type) in Rules)
            {
                if (text[0] != c || (text == "}}" && curlyDepth > 0) || string.CompareOrdinal(src, pos, text, 0, text.Length) != 0)
                {
                    continue;
                }
                tokens.Add(new Token(text, type));
                if (type == TokenType.OpenExpression)
                {
                    curlyDepth = 0;
                }
                else if (type == TokenType.OpenCurlyBracket)
                {
                    curlyDepth++;
                }
                else if (type == TokenType.CloseCurlyBracket)
                {
                    curlyDepth--;
                }
                pos += text.Length;
                matched = true;
                break;
            }
            if (matched)
            {
                continue;
            }
            if (c is '\'' or '"')
            {
                pos++;
                tokens.Add(new Token(ConsumeString(src, ref pos, c), TokenType.StringLiteral));
                pos++;
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                var num = ConsumeWhile(char.IsAsciiDigit);
                if (lastType != TokenType.Dot && At(pos) == '.' && char.IsAsciiDigit(At(pos + 1)))
                {
                    pos++;
                    num = $"{num}.{ConsumeWhile(char.IsAsciiDigit)}";
                }
                tokens.Add(new Token(num, TokenType.NumericLiteral));
                continue;
            }
            if (IsWord(c))
            {
                tokens.Add(new Token(ConsumeWhile(IsWord), TokenType.Identifier));
                continue;
            }
            throw new TemplateSyntaxException($"Unexpected character: {c}");
        }
        return tokens;
    }

    private static string ConsumeString(string src, ref int pos, char quote)
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= src.Length)
            {
                throw new TemplateSyntaxException("Unexpected end of input");
            }
            var c = src[pos];
            if (c == quote)
            {
                return sb.ToString();
            }
            pos++;
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (pos >= src.Length)
            {
                throw new TemplateSyntaxException("Unexpected end of input");
            }
            var escaped = src[pos++];
            if (escaped is 'x' or 'u')
            {
                var width = escaped == 'x' ? 2 : 4;
                if (pos + width > src.Length || !int.TryParse(src.AsSpan(pos, width), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var code))
                {
                    throw new TemplateSyntaxException($"Invalid hexadecimal escape sequence: \\{escaped}");
                }
                sb.Append((char)code);
                pos += width;
                continue;
            }
            sb.Append(Unescape(escaped));
        }
    }

    private static char Unescape(char escaped) => escaped switch
    {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\b',
        'f' => '\f',
        'v' => '\v',
        '\'' => '\'',
        '"' => '"',
        '\\' => '\\',
        _ => throw new TemplateSyntaxException($"Unexpected escaped character: {escaped}"),
    };

    internal static string TrimEnd(string s)
    {
        var end = s.Length;
        while (end > 0 && IsWhitespace(s[end - 1]))
        {
            end--;
        }
        return end == s.Length ? s : s[..end];
    }

    internal static string TrimStart(string s)
    {
        var start = 0;
        while (start < s.Length && IsWhitespace(s[start]))
        {
            start++;
        }
        return start == 0 ? s : s[start..];
    }

    internal static string Trim(string s) => TrimStart(TrimEnd(s));
}
