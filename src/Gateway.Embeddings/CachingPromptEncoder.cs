namespace Gateway.Embeddings;

/// <summary>
/// Wraps an encoder with a bounded least-recently-used cache keyed by the prompt's hash, so repeated prompts
/// (retries, agent loops, the same system prompt) skip the encoder.
/// </summary>
internal sealed class CachingPromptEncoder(IPromptEncoder inner, int capacity = 4096) : IPromptEncoder
{
    private readonly Dictionary<UInt128, LinkedListNode<(UInt128 Key, float[] Vector)>> _map = [];
    private readonly LinkedList<(UInt128 Key, float[] Vector)> _recency = new();
    private readonly Lock _gate = new();

    public string Id => inner.Id;

    public int Dimension => inner.Dimension;

    public int Count
    {
        get { lock (_gate) { return _map.Count; } }
    }

    public float[] Encode(string prompt)
    {
        var key = PromptHash.Of(prompt);
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Vector;
            }
        }

        // Encode outside the lock: two callers may encode the same prompt once each, which is harmless.
        var vector = inner.Encode(prompt);
        lock (_gate)
        {
            if (!_map.ContainsKey(key))
            {
                _map[key] = _recency.AddFirst((key, vector));
                if (_map.Count > capacity)
                {
                    _map.Remove(_recency.Last!.Value.Key);
                    _recency.RemoveLast();
                }
            }
        }

        return vector;
    }

    public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<string> prompts) => prompts.Select(Encode).ToArray();
}
