using Microsoft.Extensions.Options;

namespace Gateway.State.Cache;

/// <summary>
/// Semantic cache entries kept in process memory: per partition a <see cref="VectorPartition{T}"/> scanned flat
/// (int8 codes, SIMD dot products), bounded per partition, in total and in bytes, the oldest going first, and expired
/// by <see cref="TimeProvider"/>. Lookups share a read lock, so scans of different partitions run side by side;
/// stores take the write lock.
/// </summary>
internal sealed class InMemorySemanticCache(IOptions<StateOptions> options, TimeProvider time) : ISemanticCache, IDisposable
{
    /// <summary>Bytes charged per entry besides its body and vector: the entry, its list nodes and array slots.</summary>
    internal const int EntryOverheadBytes = 128;

    private readonly int _maxEntries = options.Value.SemanticCacheMaxEntries;
    private readonly int _maxPerPartition = options.Value.SemanticCacheMaxEntriesPerPartition;
    private readonly long _maxBytes = options.Value.SemanticCacheMaxBytes;
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _age = new();
    private readonly ReaderWriterLockSlim _lock = new();
    private long _bytes;

    internal int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _age.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public ValueTask<SemanticHit?> FindAsync(string partition, ReadOnlyMemory<float> embedding, float threshold, CancellationToken cancellationToken)
    {
        Span<sbyte> query = embedding.Length <= 1024 ? stackalloc sbyte[embedding.Length] : new sbyte[embedding.Length];
        var scale = QuantizedVector.Quantize(embedding.Span, query);
        var now = time.GetUtcNow().UtcTicks;
        _lock.EnterReadLock();
        try
        {
            if (!_partitions.TryGetValue(partition, out var entries) || entries.Vectors.Dimension != embedding.Length)
            {
                return ValueTask.FromResult<SemanticHit?>(null);
            }

            var (slot, similarity) = entries.Vectors.Nearest(query, scale, now);
            return ValueTask.FromResult(slot >= 0 && similarity >= threshold ? new SemanticHit(entries.Vectors[slot].Response, similarity) : null);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public ValueTask SetAsync(string partition, ReadOnlyMemory<float> embedding, CachedResponse response, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var bytes = response.Body.LongLength + embedding.Length + sizeof(float) + EntryOverheadBytes;
        if (timeToLive <= TimeSpan.Zero || bytes > _maxBytes || embedding.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var now = time.GetUtcNow();
        _lock.EnterWriteLock();
        try
        {
            if (!_partitions.TryGetValue(partition, out var entries))
            {
                entries = new Partition(partition, new VectorPartition<Entry>(embedding.Length));
                _partitions[partition] = entries;
            }
            else if (entries.Vectors.Dimension != embedding.Length)
            {
                // An encoder change: the old vectors cannot be compared with new ones.
                while (entries.Age.First is { } stale)
                {
                    Remove(stale.Value);
                }

                entries = new Partition(partition, new VectorPartition<Entry>(embedding.Length));
                _partitions[partition] = entries;
            }

            var entry = new Entry(entries, response, bytes);
            entry.Slot = entries.Vectors.Add(embedding.Span, entry, (now + timeToLive).UtcTicks);
            entry.AgeNode = _age.AddLast(entry);
            entry.PartitionNode = entries.Age.AddLast(entry);
            _bytes += bytes;
            Evict(entries, now.UtcTicks);
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => _lock.Dispose();

    private void Evict(Partition written, long now)
    {
        // Time to live is one setting, so the oldest are the first to expire: drop expired ones from the front.
        while (_age.First is { } oldest && oldest.Value.ExpiresAt(now))
        {
            Remove(oldest.Value);
        }

        while (written.Age.Count > _maxPerPartition)
        {
            Remove(written.Age.First!.Value);
        }

        while ((_age.Count > _maxEntries || _bytes > _maxBytes) && _age.First is { } first)
        {
            Remove(first.Value);
        }
    }

    private void Remove(Entry entry)
    {
        var partition = entry.Partition;
        if (partition.Vectors.RemoveAt(entry.Slot) is { } moved)
        {
            moved.Slot = entry.Slot;
        }

        _age.Remove(entry.AgeNode!);
        partition.Age.Remove(entry.PartitionNode!);
        _bytes -= entry.Bytes;
        if (partition.Age.Count == 0 && _partitions.TryGetValue(partition.Name, out var current) && current == partition)
        {
            _partitions.Remove(partition.Name);
        }
    }

    private sealed record Partition(string Name, VectorPartition<Entry> Vectors)
    {
        public LinkedList<Entry> Age { get; } = new();
    }

    private sealed class Entry(Partition partition, CachedResponse response, long bytes)
    {
        public Partition Partition { get; } = partition;

        public CachedResponse Response { get; } = response;

        public long Bytes { get; } = bytes;

        public int Slot { get; set; }

        public LinkedListNode<Entry>? AgeNode { get; set; }

        public LinkedListNode<Entry>? PartitionNode { get; set; }

        public bool ExpiresAt(long now) => Partition.Vectors.ExpiresTicks(Slot) <= now;
    }
}
