namespace Gateway.Inference.Protocol;

/// <summary>
/// Applies OpenAI <c>stop</c> sequences to streamed text: text is released as soon as it can no longer
/// be the start of a stop sequence, and nothing from a matched stop sequence onward is released.
/// </summary>
public sealed class StopSequenceBuffer(IReadOnlyList<string> stops)
{
    private readonly string[] _stops = stops.Where(s => s.Length > 0).ToArray();
    private string _pending = "";

    /// <summary>True once a stop sequence has matched: generation should end, and further pushes release nothing.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The stop sequence that matched (the earliest in the text), once <see cref="Stopped"/>.</summary>
    public string? Matched { get; private set; }

    /// <summary>Adds generated text and returns what may be sent now.</summary>
    public string Push(string text)
    {
        if (Stopped)
        {
            return "";
        }
        _pending += text;
        if (_stops.Length == 0)
        {
            var all = _pending;
            _pending = "";
            return all;
        }
        var first = -1;
        string? matched = null;
        foreach (var stop in _stops)
        {
            var at = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
                matched = stop;
            }
        }
        if (first >= 0)
        {
            Stopped = true;
            Matched = matched;
            var before = _pending[..first];
            _pending = "";
            return before;
        }
        var hold = 0;
        foreach (var stop in _stops)
        {
            for (var n = Math.Min(stop.Length - 1, _pending.Length); n > hold; n--)
            {
                if (_pending.AsSpan(_pending.Length - n).SequenceEqual(stop.AsSpan(0, n)))
                {
                    hold = n;
                    break;
                }
            }
        }
        var release = _pending[..^hold];
        _pending = _pending[^hold..];
        return release;
    }

    /// <summary>Releases whatever was held back once generation has ended without a stop.</summary>
    public string Flush()
    {
        var rest = Stopped ? "" : _pending;
        _pending = "";
        return rest;
    }
}
