namespace Gateway.State.Cache;

/// <summary>
/// The entries of one semantic cache partition as contiguous arrays (codes, scales, expiry times, items), so that a
/// lookup is one flat scan over memory that the prefetcher follows. Removal moves the last entry into the hole, so
/// the arrays stay dense; the caller learns which item moved and where. Not thread-safe: the owner locks.
/// </summary>
/// <typeparam name="T">What each vector stands for (the owner's entry).</typeparam>
internal sealed class VectorPartition<T>(int dimension)
    where T : class
{
    private sbyte[] _codes = new sbyte[dimension * 16];
    private float[] _scales = new float[16];
    private long[] _expires = new long[16];
    private T[] _items = new T[16];

    public int Dimension => dimension;

    public int Count { get; private set; }

    public T this[int slot] => _items[slot];

    /// <summary>When the entry at <paramref name="slot"/> expires, in UTC ticks.</summary>
    public long ExpiresTicks(int slot) => _expires[slot];

    /// <summary>Adds an entry (vector, its item, when it expires in UTC ticks) and returns its slot.</summary>
    public int Add(ReadOnlySpan<float> vector, T item, long expiresTicks)
    {
        var slot = Reserve(item, expiresTicks);
        _scales[slot] = QuantizedVector.Quantize(vector, _codes.AsSpan(slot * dimension, dimension));
        return slot;
    }

    /// <summary>Adds an entry already quantized (codes and scale), as read back from a shared store.</summary>
    public int AddQuantized(ReadOnlySpan<sbyte> codes, float scale, T item, long expiresTicks)
    {
        var slot = Reserve(item, expiresTicks);
        codes.CopyTo(_codes.AsSpan(slot * dimension, dimension));
        _scales[slot] = scale;
        return slot;
    }

    private int Reserve(T item, long expiresTicks)
    {
        if (Count == _items.Length)
        {
            var capacity = Count * 2;
            Array.Resize(ref _codes, capacity * dimension);
            Array.Resize(ref _scales, capacity);
            Array.Resize(ref _expires, capacity);
            Array.Resize(ref _items, capacity);
        }

        var slot = Count++;
        _expires[slot] = expiresTicks;
        _items[slot] = item;
        return slot;
    }

    /// <summary>Removes the entry at <paramref name="slot"/>; returns the item moved into that slot, if any.</summary>
    public T? RemoveAt(int slot)
    {
        var last = --Count;
        T? moved = null;
        if (slot != last)
        {
            _codes.AsSpan(last * dimension, dimension).CopyTo(_codes.AsSpan(slot * dimension, dimension));
            _scales[slot] = _scales[last];
            _expires[slot] = _expires[last];
            _items[slot] = moved = _items[last];
        }

        _items[last] = null!;
        return moved;
    }

    /// <summary>
    /// The unexpired entry most similar to <paramref name="query"/> (quantized codes and scale), with its cosine
    /// similarity; slot -1 when the partition has no unexpired entry.
    /// </summary>
    public (int Slot, float Similarity) Nearest(ReadOnlySpan<sbyte> query, float queryScale, long nowTicks)
    {
        var best = -1;
        var bestScore = float.NegativeInfinity;
        var codes = _codes.AsSpan();
        ReadOnlySpan<short> wide = QuantizedVector.Widen(query);
        for (var slot = 0; slot < Count; slot++)
        {
            var score = QuantizedVector.Dot(wide, codes.Slice(slot * dimension, dimension)) * _scales[slot];
            if (score > bestScore && _expires[slot] > nowTicks)
            {
                bestScore = score;
                best = slot;
            }
        }

        return best < 0 ? (-1, 0f) : (best, Math.Clamp(bestScore * queryScale, -1f, 1f));
    }
}
