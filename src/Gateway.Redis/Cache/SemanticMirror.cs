using System.Runtime.InteropServices;
using Gateway.State.Cache;

namespace Gateway.Redis.Cache;

/// <summary>A stream entry as read from Redis: its stream id, the entry id, the quantized vector and its expiry (UTC ticks).</summary>
internal sealed record MirroredEntry(string StreamId, string Id, float Scale, byte[] Codes, long ExpiresTicks);

/// <summary>
/// This replica's copies of the semantic cache partitions it has been asked about, for the scan. Each holds at most
/// the per-partition bound (the oldest go first, as in Redis); together they hold at most the total bound, the least
/// recently used partition being dropped whole (it is read again from Redis when next asked about).
/// </summary>
internal sealed class SemanticMirror(int maxEntries, int maxPerPartition)
{
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly LinkedList<Partition> _recency = new();
    private readonly Lock _lock = new();
    private long _entries;

    public Partition Get(string name, int dimension)
    {
        lock (_lock)
        {
            if (_partitions.TryGetValue(name, out var partition) && partition.Dimension == dimension)
            {
                _recency.Remove(partition.Node!);
                _recency.AddFirst(partition.Node!);
                return partition;
            }

            if (partition is not null)
            {
                Drop(partition);
            }

            partition = new Partition(this, name, dimension, maxPerPartition);
            partition.Node = _recency.AddFirst(partition);
            _partitions[name] = partition;
            return partition;
        }
    }

    private void Counted(long delta)
    {
        lock (_lock)
        {
            _entries += delta;
            while (_entries > maxEntries && _recency.Count > 1 && _recency.Last is { } last)
            {
                Drop(last.Value);
            }
        }
    }

    private void Drop(Partition partition)
    {
        _recency.Remove(partition.Node!);
        _partitions.Remove(partition.Name);
        _entries -= partition.Count;
    }

    /// <summary>One partition's mirrored entries; its lookups and appends are serialised on its own lock.</summary>
    internal sealed class Partition(SemanticMirror owner, string name, int dimension, int maxEntries)
    {
        private readonly VectorPartition<MirroredEntry> _vectors = new(dimension);
        private readonly Queue<MirroredEntry> _age = new();
        private readonly Dictionary<MirroredEntry, int> _slots = new(ReferenceEqualityComparer.Instance);
        private readonly Lock _lock = new();

        public string Name => name;

        public int Dimension => dimension;

        public LinkedListNode<Partition>? Node { get; set; }

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _vectors.Count;
                }
            }
        }

        /// <summary>The stream id of the newest entry read (null before the first read).</summary>
        public string? LastId { get; private set; }

        public void Append(IEnumerable<MirroredEntry> entries)
        {
            var delta = 0;
            lock (_lock)
            {
                foreach (var entry in entries)
                {
                    LastId = entry.StreamId;
                    if (entry.Codes.Length != dimension)
                    {
                        continue;
                    }

                    _slots[entry] = _vectors.AddQuantized(MemoryMarshal.Cast<byte, sbyte>(entry.Codes), entry.Scale, entry, entry.ExpiresTicks);
                    _age.Enqueue(entry);
                    delta++;
                    while (_age.Count > maxEntries)
                    {
                        Remove(_age.Dequeue());
                        delta--;
                    }
                }
            }

            if (delta != 0)
            {
                owner.Counted(delta);
            }
        }

        public (string Id, float Similarity)? Nearest(ReadOnlySpan<float> embedding, long nowTicks)
        {
            Span<sbyte> query = dimension <= 1024 ? stackalloc sbyte[dimension] : new sbyte[dimension];
            var scale = QuantizedVector.Quantize(embedding, query);
            lock (_lock)
            {
                var (slot, similarity) = _vectors.Nearest(query, scale, nowTicks);
                return slot < 0 ? null : (_vectors[slot].Id, similarity);
            }
        }

        private void Remove(MirroredEntry entry)
        {
            if (_slots.Remove(entry, out var slot) && _vectors.RemoveAt(slot) is { } moved)
            {
                _slots[moved] = slot;
            }
        }
    }
}
