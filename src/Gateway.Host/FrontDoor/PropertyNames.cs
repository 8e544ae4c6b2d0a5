using System.Runtime.CompilerServices;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// The property names of one JSON object seen so far, to refuse a name that appears twice. A request body has a
/// handful of top-level properties, so the first <see cref="InlineCount"/> live on the stack and are compared one by
/// one; a body with more spills into a hash set, which keeps a hostile body with thousands of names linear.
/// </summary>
internal struct PropertyNames
{
    private const int InlineCount = 16;
    private InlineNames _inline;
    private int _count;
    private HashSet<string>? _spilled;

    /// <summary>Adds <paramref name="name"/>; false when it was already there.</summary>
    public bool Add(string name)
    {
        if (_spilled is not null)
        {
            return _spilled.Add(name);
        }

        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_inline[i], name, StringComparison.Ordinal))
            {
                return false;
            }
        }

        if (_count < InlineCount)
        {
            _inline[_count++] = name;
            return true;
        }

        _spilled = new HashSet<string>(InlineCount * 2, StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
        {
            _spilled.Add(_inline[i]);
        }

        return _spilled.Add(name);
    }

    [InlineArray(InlineCount)]
    private struct InlineNames
    {
        private string _first;
    }
}
