using Microsoft.Extensions.Options;

namespace Gateway.State.Cache;

/// <summary>
/// Responses kept in process memory, bounded by entry count and body bytes (least recently used
/// go first) and expired by <see cref="TimeProvider"/>. Hand-written rather than MemoryCache,
/// which neither takes a TimeProvider nor evicts to make room (it refuses the new entry).
/// </summary>
internal sealed class InMemoryResponseCache(IOptions<StateOptions> options, TimeProvider time) : IResponseCache
{
    private readonly int _maxEntries = options.Value.CacheMaxEntries;
    private readonly long _maxBytes = options.Value.CacheMaxBytes;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();
    private long _bytes;

    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask<CachedResponse?> GetAsync(string requestHash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(requestHash, out var node))
            {
                return ValueTask.FromResult<CachedResponse?>(null);
            }

            if (node.Value.ExpiresAt <= now)
            {
                Remove(node);
                return ValueTask.FromResult<CachedResponse?>(null);
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return ValueTask.FromResult<CachedResponse?>(node.Value.Response);
        }
    }

    public ValueTask SetAsync(string requestHash, CachedResponse response, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        if (timeToLive <= TimeSpan.Zero || response.Body.LongLength > _maxBytes)
        {
            return ValueTask.CompletedTask;
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(requestHash, out var existing))
            {
                Remove(existing);
            }

            var node = _recency.AddFirst(new Entry(requestHash, response, now + timeToLive));
            _entries[requestHash] = node;
            _bytes += response.Body.LongLength;
            Evict(now);
        }

        return ValueTask.CompletedTask;
    }

    private void Evict(DateTimeOffset now)
    {
        // Expired entries first, wherever they sit; then the least recently used.
        if (_entries.Count > _maxEntries || _bytes > _maxBytes)
        {
            for (var node = _recency.Last; node is not null;)
            {
                var previous = node.Previous;
                if (node.Value.ExpiresAt <= now)
                {
                    Remove(node);
                }

                node = previous;
            }
        }

        while ((_entries.Count > _maxEntries || _bytes > _maxBytes) && _recency.Last is { } last)
        {
            Remove(last);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Hash);
        _bytes -= node.Value.Response.Body.LongLength;
    }

    private sealed record Entry(string Hash, CachedResponse Response, DateTimeOffset ExpiresAt);
}
