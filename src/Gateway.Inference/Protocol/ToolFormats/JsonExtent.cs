namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>
/// Finds where one JSON value ends in text that is still arriving, resuming where the last call stopped, so a long
/// tool call's arguments are scanned once however many pieces they come in. It tracks nesting and strings only;
/// whether the value is valid JSON is decided once it is whole.
/// </summary>
internal sealed class JsonExtent(int start)
{
    private int _next = start;
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private bool _begun;
    private bool _scalar;

    /// <summary>Where the value starts (leading whitespace skipped once seen), or the start given while none is seen.</summary>
    public int Start { get; private set; } = start;

    /// <summary>The index just past the value, once <see cref="IsComplete"/>.</summary>
    public int End { get; private set; } = -1;

    public bool IsComplete => End >= 0;

    /// <summary>Whether the value's first character has been seen (<see cref="Start"/> is then where it is).</summary>
    public bool Begun => _begun;

    /// <summary>How far the text has been scanned.</summary>
    public int Scanned => _next;

    /// <summary>
    /// Scans what has arrived of <paramref name="text"/>; with <paramref name="final"/> a bare scalar ends with the text.
    /// Returns false when what was seen cannot start a JSON value.
    /// </summary>
    public bool Advance(string text, bool final = false)
    {
        for (; _next < text.Length && End < 0; _next++)
        {
            var c = text[_next];
            if (!_begun)
            {
                if (char.IsWhiteSpace(c))
                {
                    continue;
                }
                if (c is not ('{' or '[' or '"' or '-' or (>= '0' and <= '9') or 't' or 'f' or 'n'))
                {
                    return false;
                }
                _begun = true;
                Start = _next;
                _scalar = c is not ('{' or '[' or '"');
                if (c == '"')
                {
                    _inString = true;
                }
                else if (!_scalar)
                {
                    _depth = 1;
                }
                continue;
            }
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                }
                else if (c == '\\')
                {
                    _escaped = true;
                }
                else if (c == '"')
                {
                    _inString = false;
                    if (_depth == 0)
                    {
                        End = _next + 1;
                    }
                }
                continue;
            }
            if (_scalar)
            {
                if (c is ',' or '}' or ']' or ')' || char.IsWhiteSpace(c))
                {
                    End = _next;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    _inString = true;
                    break;
                case '{' or '[':
                    _depth++;
                    break;
                case '}' or ']':
                    if (--_depth == 0)
                    {
                        End = _next + 1;
                    }
                    break;
            }
        }
        if (final && _scalar && End < 0)
        {
            End = text.Length;
        }
        return true;
    }
}
