namespace Gateway.Inference.Protocol.ToolFormats;

/// <summary>
/// Splits a model's answer, as it streams, into reasoning (<c>&lt;think&gt;…&lt;/think&gt;</c>), content, and tool calls
/// in its family's format. Text that may still become a marker is held until it cannot; a marker that turns out not
/// to open a valid call is content. Nothing the model wrote is lost, and no output makes it throw.
/// </summary>
public sealed class AssistantOutputParser : ICallSink
{
    private enum Mode { Start, Reasoning, Content, Block }

    private readonly ToolCallDialect _dialect;
    private readonly bool _parseCalls;
    private readonly List<AssistantDelta> _events = [];
    private string _text = "";
    private int _pos;
    private int _searchFrom;
    private Mode _mode;
    private bool _skipSpace;
    private bool _contentStarted;
    private CallBlock? _block;
    private int _blockStart;
    private int _calls;

    /// <param name="dialect">The model's tool-call family.</param>
    /// <param name="parseToolCalls">Whether tools were offered; without them every marker is content.</param>
    /// <param name="thinkingOpen">Whether the prompt already opened the thinking (<see cref="ReasoningTags.OpenedBy"/>).</param>
    public AssistantOutputParser(ToolCallDialect dialect, bool parseToolCalls, bool thinkingOpen)
    {
        _dialect = dialect;
        _parseCalls = parseToolCalls;
        _mode = thinkingOpen ? Mode.Reasoning : Mode.Start;
        _skipSpace = thinkingOpen;
    }

    /// <summary>Whether the answer has made at least one tool call so far.</summary>
    public bool HasToolCalls => _calls > 0;

    /// <summary>Parses a whole answer.</summary>
    public static ParsedAssistantMessage Parse(string text, ToolCallDialect dialect, bool parseToolCalls, bool thinkingOpen)
    {
        var parser = new AssistantOutputParser(dialect, parseToolCalls, thinkingOpen);
        return ParsedAssistantMessage.From([.. parser.Push(text), .. parser.Complete()]);
    }

    /// <summary>Adds generated text and returns what it settles.</summary>
    public IReadOnlyList<AssistantDelta> Push(string chunk)
    {
        if (_mode != Mode.Block && _pos > 0)
        {
            // Settled text is dropped, so a long answer is not copied again with every token.
            _text = _text[_pos..];
            _searchFrom = Math.Max(0, _searchFrom - _pos);
            _pos = 0;
        }
        _text += chunk;
        return Drain(final: false);
    }

    /// <summary>Ends the answer: whatever was held is settled.</summary>
    public IReadOnlyList<AssistantDelta> Complete() => Drain(final: true);

    private List<AssistantDelta> Drain(bool final)
    {
        _events.Clear();
        while (Step(final))
        {
        }
        return [.. _events];
    }

    /// <summary>Settles what it can; true when the mode changed and there may be more to settle.</summary>
    private bool Step(bool final)
    {
        switch (_mode)
        {
            case Mode.Start:
                {
                    var i = SkipSpace(_pos);
                    var rest = _text.AsSpan(i);
                    if (rest.StartsWith(ReasoningTags.Open, StringComparison.Ordinal))
                    {
                        _pos = i + ReasoningTags.Open.Length;
                        _mode = Mode.Reasoning;
                        _skipSpace = true;
                        return true;
                    }
                    if (!final && ReasoningTags.Open.AsSpan().StartsWith(rest, StringComparison.Ordinal))
                    {
                        return false;
                    }
                    _mode = Mode.Content;
                    return true;
                }
            case Mode.Reasoning:
                return StepReasoning(final);
            case Mode.Content:
                return StepContent(final);
            default:
                return StepBlock(final);
        }
    }

    private bool StepReasoning(bool final)
    {
        if (_skipSpace)
        {
            _pos = SkipSpace(_pos);
            if (_pos >= _text.Length && !final)
            {
                return false;
            }
            _skipSpace = false;
        }
        var close = _text.IndexOf(ReasoningTags.Close, _pos, StringComparison.Ordinal);
        if (close >= 0)
        {
            Emit(new AssistantDelta.Reasoning(_text[_pos..TrimEnd(_pos, close)]));
            _pos = close + ReasoningTags.Close.Length;
            _mode = Mode.Content;
            _skipSpace = true;
            return true;
        }
        var end = final ? _text.Length : _text.Length - PartialSuffix(_text, _pos, [ReasoningTags.Close]);
        end = TrimEnd(_pos, end);
        Emit(new AssistantDelta.Reasoning(_text[_pos..end]));
        _pos = end;
        return false;
    }

    private bool StepContent(bool final)
    {
        if (_skipSpace)
        {
            _pos = SkipSpace(_pos);
            if (_pos >= _text.Length && !final)
            {
                return false;
            }
            _skipSpace = false;
        }
        if (_parseCalls && !_contentStarted && _dialect.StartOpeners.Count > 0)
        {
            var i = SkipSpace(_pos);
            var rest = _text.AsSpan(i);
            if (rest.Length == 0 && !final)
            {
                return false;
            }
            foreach (var opener in _dialect.StartOpeners)
            {
                if (rest.StartsWith(opener, StringComparison.Ordinal) && _dialect.Open(opener, i) is { } block)
                {
                    return OpenBlock(block, i);
                }
                if (!final && opener.AsSpan().StartsWith(rest, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }
        _contentStarted |= SkipSpace(_pos) < _text.Length;
        if (_parseCalls)
        {
            var (at, marker) = FirstOpener(Math.Max(_pos, _searchFrom));
            if (at >= 0)
            {
                Emit(new AssistantDelta.Content(_text[_pos..TrimEnd(_pos, at)]));
                _pos = at;
                return _dialect.Open(marker!, at) is { } block ? OpenBlock(block, at) : SkipMarker(at);
            }
        }
        var end = final ? _text.Length : TrimEnd(_pos, _text.Length - (_parseCalls ? PartialSuffix(_text, _pos, _dialect.Openers) : 0));
        Emit(new AssistantDelta.Content(_text[_pos..end]));
        _pos = end;
        return false;
    }

    private bool StepBlock(bool final)
    {
        switch (_block!.Advance(_text, final, this))
        {
            case BlockStatus.Running:
                return false;
            case BlockStatus.Done:
                _pos = Math.Max(_block.End, _blockStart + 1);
                _block = null;
                _mode = Mode.Content;
                _skipSpace = true;
                _contentStarted = true;
                return true;
            default:
                // Not a call after all: its text is content, and the marker is not taken for one again.
                _block = null;
                _mode = Mode.Content;
                _contentStarted = true;
                return SkipMarker(_blockStart);
        }
    }

    private bool OpenBlock(CallBlock block, int at)
    {
        _block = block;
        _blockStart = at;
        _pos = at;
        _mode = Mode.Block;
        return true;
    }

    private bool SkipMarker(int at)
    {
        _mode = Mode.Content;
        _searchFrom = at + 1;
        return true;
    }

    private (int At, string? Marker) FirstOpener(int from)
    {
        var best = -1;
        string? marker = null;
        foreach (var opener in _dialect.Openers)
        {
            var at = _text.IndexOf(opener, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                marker = opener;
            }
        }
        return (best, marker);
    }

    /// <summary>The length of the longest end of the text (from <paramref name="from"/>) that begins one of <paramref name="markers"/>.</summary>
    private static int PartialSuffix(string text, int from, IReadOnlyList<string> markers)
    {
        var longest = 0;
        foreach (var marker in markers)
        {
            for (var n = Math.Min(marker.Length - 1, text.Length - from); n > longest; n--)
            {
                if (text.AsSpan(text.Length - n).SequenceEqual(marker.AsSpan(0, n)))
                {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }

    private int SkipSpace(int i)
    {
        while (i < _text.Length && char.IsWhiteSpace(_text[i]))
        {
            i++;
        }
        return i;
    }

    private int TrimEnd(int start, int end)
    {
        while (end > start && char.IsWhiteSpace(_text[end - 1]))
        {
            end--;
        }
        return end;
    }

    private void Emit(AssistantDelta delta)
    {
        if (delta is AssistantDelta.Content { Text.Length: 0 } or AssistantDelta.Reasoning { Text.Length: 0 })
        {
            return;
        }
        if (delta is AssistantDelta.Content)
        {
            _contentStarted = true;
        }
        _events.Add(delta);
    }

    void ICallSink.Start(string name)
    {
        _events.Add(new AssistantDelta.CallStarted(_calls, _dialect.NewCallId(), name));
        _calls++;
    }

    void ICallSink.Arguments(string fragment) => _events.Add(new AssistantDelta.CallArguments(_calls - 1, fragment));
}
