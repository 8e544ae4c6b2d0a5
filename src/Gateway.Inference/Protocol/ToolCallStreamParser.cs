namespace Gateway.Inference.Protocol;

/// <summary>What a chunk of generated text turned out to be once the stream parser has seen enough of it.</summary>
public abstract record ToolStreamEvent
{
    /// <summary>Plain content for the client.</summary>
    /// <param name="Content">The text, released once it cannot be the start of a tool call.</param>
    public sealed record Text(string Content) : ToolStreamEvent;

    /// <summary>A tool call has begun; emitted once per call, before any of its arguments.</summary>
    /// <param name="Name">The tool's name as the model wrote it (still JSON-escaped).</param>
    public sealed record CallStarted(string Name) : ToolStreamEvent;

    /// <summary>The next piece of the call's arguments JSON.</summary>
    /// <param name="Fragment">Raw JSON text; the fragments concatenated give the whole arguments object.</param>
    public sealed record Arguments(string Fragment) : ToolStreamEvent;
}

/// <summary>
/// Splits streamed model text into plain content or a tool call (name first, then argument fragments),
/// so a streaming client receives OpenAI <c>tool_calls</c> deltas while the model is still writing.
/// </summary>
public sealed class ToolCallStreamParser
{
    private enum State { Undecided, Text, Header, Arguments }

    private State _state = State.Undecided;
    private string _buffer = "";

    /// <summary>True once the text has turned out to be a tool call (its opening tag has been seen).</summary>
    public bool IsToolCall => _state is State.Header or State.Arguments;

    /// <summary>
    /// Adds generated text and returns the events it settles. Text that may still be the start of
    /// <see cref="ToolCallFormat.Open"/>, or of a call's closing suffix, is held until more arrives.
    /// </summary>
    public IEnumerable<ToolStreamEvent> Push(string chunk)
    {
        _buffer += chunk;
        var events = new List<ToolStreamEvent>();
        Drain(events, final: false);
        return events;
    }

    /// <summary>Ends the stream: releases whatever was held back, without a call's closing suffix.</summary>
    public IEnumerable<ToolStreamEvent> Complete()
    {
        var events = new List<ToolStreamEvent>();
        Drain(events, final: true);
        return events;
    }

    private void Drain(List<ToolStreamEvent> events, bool final)
    {
        if (_state == State.Undecided)
        {
            var trimmed = _buffer.TrimStart();
            if (trimmed.StartsWith(ToolCallFormat.Open, StringComparison.Ordinal))
            {
                _state = State.Header;
                _buffer = trimmed;
            }
            else if (final || trimmed.Length >= ToolCallFormat.Open.Length || !ToolCallFormat.Open.StartsWith(trimmed, StringComparison.Ordinal))
            {
                _state = State.Text;
            }
            else
            {
                return;
            }
        }
        if (_state == State.Text)
        {
            if (_buffer.Length > 0)
            {
                events.Add(new ToolStreamEvent.Text(_buffer));
            }
            _buffer = "";
            return;
        }
        if (_state == State.Header)
        {
            const string NameStart = "{\"name\": \"";
            var headerStart = ToolCallFormat.Open.Length + NameStart.Length;
            var marker = _buffer.IndexOf(ToolCallFormat.ArgumentsMarker, StringComparison.Ordinal);
            if (marker < headerStart)
            {
                return;
            }
            events.Add(new ToolStreamEvent.CallStarted(_buffer[headerStart..marker]));
            _buffer = _buffer[(marker + ToolCallFormat.ArgumentsMarker.Length)..];
            _state = State.Arguments;
        }
        // Hold back what may be the closing suffix so it never reaches the client as arguments.
        var keep = final ? 0 : ToolCallFormat.Suffix.Length;
        if (final && _buffer.EndsWith(ToolCallFormat.Suffix, StringComparison.Ordinal))
        {
            _buffer = _buffer[..^ToolCallFormat.Suffix.Length];
        }
        if (_buffer.Length > keep)
        {
            events.Add(new ToolStreamEvent.Arguments(_buffer[..^keep]));
            _buffer = _buffer[^keep..];
        }
    }
}
