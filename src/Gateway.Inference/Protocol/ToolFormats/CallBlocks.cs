using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>Where a block of tool calls reports them: a call's name, then pieces of its arguments.</summary>
internal interface ICallSink
{
    void Start(string name);

    void Arguments(string fragment);
}

internal enum BlockStatus { Running, Done, Invalid }

/// <summary>
/// One family's tool-call block, read from its opener onwards as text arrives. A block that turns out not to be
/// a call before it reported one is <see cref="BlockStatus.Invalid"/>, and its text is then the answer's content.
/// </summary>
internal abstract class CallBlock(int bodyStart)
{
    /// <summary>Where the block's body starts (just past its opener).</summary>
    protected int BodyStart { get; } = bodyStart;

    /// <summary>The index just past the block, once <see cref="BlockStatus.Done"/>.</summary>
    public int End { get; protected set; } = -1;

    public abstract BlockStatus Advance(string text, bool final, ICallSink sink);

    /// <summary>Feeds a JSON call reader and reports what it settled; false when it is not a call.</summary>
    protected static bool Feed(JsonCallReader reader, string text, bool final, ICallSink sink)
    {
        if (!reader.Advance(text, final, out var started, out var arguments))
        {
            return false;
        }
        if (started)
        {
            sink.Start(reader.Name!);
        }
        if (arguments.Length > 0)
        {
            sink.Arguments(arguments);
        }
        return true;
    }

    /// <summary>
    /// After a call ending at <paramref name="at"/>: past <paramref name="closer"/> when it follows (after whitespace),
    /// -1 while the text could still be becoming it, else <paramref name="at"/> itself.
    /// </summary>
    protected static int SkipCloser(string text, int at, string closer, bool final)
    {
        var i = at;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        var rest = text.AsSpan(i);
        if (rest.StartsWith(closer, StringComparison.Ordinal))
        {
            return i + closer.Length;
        }
        return !final && (rest.Length == 0 || closer.AsSpan().StartsWith(rest, StringComparison.Ordinal)) ? -1 : at;
    }
}

/// <summary>One JSON call after an opener, then an optional closer: Hermes' <c>&lt;tool_call&gt;…&lt;/tool_call&gt;</c>, Llama 3's bare object.</summary>
internal sealed class WrappedJsonCall(int bodyStart, string closer) : CallBlock(bodyStart)
{
    private readonly JsonCallReader _reader = new(bodyStart);

    public override BlockStatus Advance(string text, bool final, ICallSink sink)
    {
        if (!Feed(_reader, text, final, sink))
        {
            return BlockStatus.Invalid;
        }
        if (_reader.End < 0)
        {
            return final ? Finish(text.Length) : BlockStatus.Running;
        }
        if (closer.Length == 0)
        {
            return Finish(_reader.End);
        }
        var end = SkipCloser(text, _reader.End, closer, final);
        return end < 0 ? BlockStatus.Running : Finish(end);
    }

    private BlockStatus Finish(int end)
    {
        End = end;
        return BlockStatus.Done;
    }
}

/// <summary>A JSON array of calls after an opener: Mistral's <c>[TOOL_CALLS][…]</c>, FireFunction's <c>functools[…]</c>.</summary>
internal sealed class JsonCallList(int bodyStart, bool bracketInOpener) : CallBlock(bodyStart)
{
    private int _next = bracketInOpener ? bodyStart : -1;
    private JsonCallReader? _item;
    private int _calls;

    public override BlockStatus Advance(string text, bool final, ICallSink sink)
    {
        if (_next < 0)
        {
            var i = SkipSpace(text, BodyStart);
            if (i >= text.Length)
            {
                return final ? BlockStatus.Invalid : BlockStatus.Running;
            }
            if (text[i] != '[')
            {
                return BlockStatus.Invalid;
            }
            _next = i + 1;
        }
        while (true)
        {
            if (_item is null)
            {
                var i = SkipSpace(text, _next);
                if (i >= text.Length)
                {
                    return final ? Done(text.Length) : BlockStatus.Running;
                }
                if (text[i] == ']')
                {
                    return Done(i + 1);
                }
                if (text[i] == ',' && _calls > 0)
                {
                    _next = i + 1;
                    continue;
                }
                if (text[i] != '{')
                {
                    return _calls == 0 ? BlockStatus.Invalid : Done(_next);
                }
                _item = new JsonCallReader(i);
            }
            if (!Feed(_item, text, final, sink))
            {
                return _calls == 0 ? BlockStatus.Invalid : Done(_next);
            }
            if (_item.End < 0)
            {
                if (_item.Name is not null)
                {
                    _calls = Math.Max(_calls, 1);
                }
                return final ? Done(text.Length) : BlockStatus.Running;
            }
            _calls++;
            _next = _item.End;
            _item = null;
        }
    }

    private BlockStatus Done(int end)
    {
        End = end;
        return BlockStatus.Done;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        return i;
    }
}

/// <summary>
/// A call whose name comes before its arguments: Functionary's <c>&lt;function=name&gt;{…}&lt;/function&gt;</c>, Mistral's
/// <c>[TOOL_CALLS]name[ARGS]{…}</c> (with <c>[CALL_ID]id</c> between them in Mistral Small 3.2).
/// </summary>
internal sealed class NamedJsonCall(int bodyStart, string nameEnd, string closer, string? idMarker = null) : CallBlock(bodyStart)
{
    private const int MaxName = 256;
    private JsonExtent? _arguments;
    private int _sent;

    public override BlockStatus Advance(string text, bool final, ICallSink sink)
    {
        if (_arguments is null)
        {
            var close = text.IndexOf(nameEnd, BodyStart, StringComparison.Ordinal);
            if (close < 0)
            {
                return final || text.Length - BodyStart > 2 * MaxName ? BlockStatus.Invalid : BlockStatus.Running;
            }
            var name = text[BodyStart..close];
            if (idMarker is not null && name.IndexOf(idMarker, StringComparison.Ordinal) is var id and >= 0)
            {
                name = name[..id];
            }
            if (name.Length == 0 || name.Length > MaxName || name.Any(c => char.IsWhiteSpace(c) || c is '<' or '"' or '[' or ']'))
            {
                return BlockStatus.Invalid;
            }
            _arguments = new JsonExtent(close + nameEnd.Length);
            if (!_arguments.Advance(text, final))
            {
                return BlockStatus.Invalid;
            }
            sink.Start(name);
        }
        else if (!_arguments.Advance(text, final))
        {
            End = Math.Max(_sent, BodyStart);
            return BlockStatus.Done;
        }
        if (_arguments.Begun && _sent < _arguments.Start)
        {
            _sent = _arguments.Start;
        }
        var upTo = _arguments.IsComplete ? _arguments.End : text.Length;
        if (_arguments.Begun && upTo > _sent)
        {
            sink.Arguments(text[_sent..upTo]);
            _sent = upTo;
        }
        if (!_arguments.IsComplete)
        {
            if (final)
            {
                End = text.Length;
                return BlockStatus.Done;
            }
            return BlockStatus.Running;
        }
        if (closer.Length == 0)
        {
            End = _arguments.End;
            return BlockStatus.Done;
        }
        var end = SkipCloser(text, _arguments.End, closer, final);
        if (end < 0)
        {
            return BlockStatus.Running;
        }
        End = end;
        return BlockStatus.Done;
    }
}

/// <summary>A block whose form its first character decides (Mistral: <c>[</c> opens Nemo's list, a name the newer form).</summary>
internal sealed class FirstCharacterBlock(int bodyStart, Func<char, int, CallBlock> choose) : CallBlock(bodyStart)
{
    private CallBlock? _chosen;

    public override BlockStatus Advance(string text, bool final, ICallSink sink)
    {
        if (_chosen is null)
        {
            var i = BodyStart;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            if (i >= text.Length)
            {
                return final ? BlockStatus.Invalid : BlockStatus.Running;
            }
            _chosen = choose(text[i], i);
        }
        var status = _chosen.Advance(text, final, sink);
        End = _chosen.End;
        return status;
    }
}

/// <summary>
/// Llama 3's built-in tool call after <c>&lt;|python_tag|&gt;</c>: a JSON call, or <c>name.call(key=value, …)</c>,
/// which is read whole and reported with its keyword arguments as a JSON object.
/// </summary>
internal sealed class PythonTagCall(int bodyStart) : CallBlock(bodyStart)
{
    private const int MaxName = 256;
    private JsonCallReader? _json;

    public override BlockStatus Advance(string text, bool final, ICallSink sink)
    {
        var i = BodyStart;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        if (i >= text.Length)
        {
            return final ? BlockStatus.Invalid : BlockStatus.Running;
        }
        if (text[i] == '{' || _json is not null)
        {
            _json ??= new JsonCallReader(i);
            if (!Feed(_json, text, final, sink))
            {
                return BlockStatus.Invalid;
            }
            if (_json.End < 0 && !final)
            {
                return BlockStatus.Running;
            }
            End = _json.End < 0 ? text.Length : _json.End;
            return BlockStatus.Done;
        }
        var call = text.IndexOf(".call(", i, StringComparison.Ordinal);
        if (call < 0)
        {
            return !final && text.Length - i <= MaxName ? BlockStatus.Running : BlockStatus.Invalid;
        }
        var name = text[i..call];
        if (name.Length > MaxName || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
        {
            return BlockStatus.Invalid;
        }
        var close = ClosingParenthesis(text, call + ".call(".Length);
        if (close < 0)
        {
            return final ? BlockStatus.Invalid : BlockStatus.Running;
        }
        if (KeywordArguments(text[(call + ".call(".Length)..close]) is not { } arguments)
        {
            return BlockStatus.Invalid;
        }
        sink.Start(name);
        sink.Arguments(arguments);
        End = close + 1;
        return BlockStatus.Done;
    }

    private static int ClosingParenthesis(string text, int from)
    {
        var depth = 0;
        char? quote = null;
        for (var i = from; i < text.Length; i++)
        {
            var change = Nesting(text, ref i, ref quote);
            if (change < 0 && depth-- == 0)
            {
                return text[i] == ')' ? i : -1;
            }
            depth += Math.Max(change, 0);
        }
        return -1;
    }

    /// <summary><c>a="x", b=2</c> as <c>{"a":"x","b":2}</c>; null when it is not such a list.</summary>
    private static string? KeywordArguments(string list)
    {
        var result = new JsonObject();
        foreach (var part in SplitTopLevel(list))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return part.Trim().Length == 0 ? result.ToJsonString() : null;
            }
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (!key.All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                return null;
            }
            result[key] = Value(value);
        }
        return result.ToJsonString();
    }

    private static JsonNode? Value(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return JsonValue.Create(Unescape(value[1..^1]));
        }
        var json = value switch { "True" => "true", "False" => "false", "None" => "null", _ => value };
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }

    private static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
                sb.Append(s[i] switch { 'n' => '\n', 't' => '\t', _ => s[i] });
            }
            else
            {
                sb.Append(s[i]);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reads the character at <paramref name="i"/> of Python-like call text: +1 for a bracket that opens outside a
    /// string, -1 for one that closes, 0 otherwise. Tracks the open string's quote in <paramref name="quote"/> and
    /// steps over an escaped character inside it.
    /// </summary>
    private static int Nesting(string text, ref int i, ref char? quote)
    {
        var c = text[i];
        if (quote is { } q)
        {
            if (c == '\\')
            {
                i++;
            }
            else if (c == q)
            {
                quote = null;
            }
            return 0;
        }
        if (c is '"' or '\'')
        {
            quote = c;
            return 0;
        }
        return c switch
        {
            '(' or '[' or '{' => 1,
            ')' or ']' or '}' => -1,
            _ => 0,
        };
    }

    private static IEnumerable<string> SplitTopLevel(string list)
    {
        var depth = 0;
        char? quote = null;
        var start = 0;
        for (var i = 0; i < list.Length; i++)
        {
            var wasQuoted = quote is not null;
            depth += Nesting(list, ref i, ref quote);
            if (!wasQuoted && list[i] == ',' && depth == 0)
            {
                yield return list[start..i];
                start = i + 1;
            }
        }
        yield return list[start..];
    }
}
