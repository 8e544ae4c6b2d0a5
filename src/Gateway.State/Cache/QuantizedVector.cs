using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.State.Cache;

/// <summary>
/// An L2-normalised embedding stored as signed bytes with one scale (<c>v ≈ q · scale</c>, scale = max|v| / 127):
/// a quarter of float32's memory and memory bandwidth, which is what a flat scan of a large partition is bound by.
/// For 384-dimension unit vectors the rounding moves a cosine by about 0.001, far below any useful threshold step.
/// </summary>
internal static class QuantizedVector
{
    /// <summary>Writes <paramref name="vector"/> into <paramref name="codes"/> and returns its scale (0 for a zero vector).</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var max = vector.Length == 0 ? 0f : TensorPrimitives.MaxMagnitude(vector);
        if (max == 0 || !float.IsFinite(max))
        {
            codes.Clear();
            return 0f;
        }

        var inverse = 127f / max;
        for (var i = 0; i < vector.Length; i++)
        {
            codes[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        }

        return max / 127f;
    }

    /// <summary>The integer dot product of two code vectors of equal length.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && a.Length >= Vector256<sbyte>.Count)
        {
            // Widen to 16 bits (127 · 127 fits) and let vpmaddwd multiply and add pairs into 32-bit lanes.
            ref var pa = ref MemoryMarshal.GetReference(a);
            ref var pb = ref MemoryMarshal.GetReference(b);
            var acc = Vector256<int>.Zero;
            for (; i <= a.Length - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
            {
                var va = Vector256.LoadUnsafe(ref Unsafe.Add(ref pa, i));
                var vb = Vector256.LoadUnsafe(ref Unsafe.Add(ref pb, i));
                var (aLow, aHigh) = Vector256.Widen(va);
                var (bLow, bHigh) = Vector256.Widen(vb);
                acc += Avx2.MultiplyAddAdjacent(aLow, bLow) + Avx2.MultiplyAddAdjacent(aHigh, bHigh);
            }

            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<sbyte>.Count)
        {
            ref var pa = ref MemoryMarshal.GetReference(a);
            ref var pb = ref MemoryMarshal.GetReference(b);
            var acc = Vector128<int>.Zero;
            for (; i <= a.Length - Vector128<sbyte>.Count; i += Vector128<sbyte>.Count)
            {
                var (aLow, aHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref Unsafe.Add(ref pa, i)));
                var (bLow, bHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref Unsafe.Add(ref pb, i)));
                acc += WidenProduct(aLow, bLow) + WidenProduct(aHigh, bHigh);
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>
    /// A query's codes widened to 16 bits once, for <see cref="Dot(ReadOnlySpan{short}, ReadOnlySpan{sbyte})"/>: a scan
    /// then widens only each row it reads instead of the query again for every row.
    /// </summary>
    public static short[] Widen(ReadOnlySpan<sbyte> codes)
    {
        var wide = new short[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            wide[i] = codes[i];
        }

        return wide;
    }

    /// <summary>The integer dot product of a widened query (<see cref="Widen"/>) and a code vector of equal length.</summary>
    public static int Dot(ReadOnlySpan<short> query, ReadOnlySpan<sbyte> codes)
    {
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && codes.Length >= Vector256<short>.Count)
        {
            // vpmovsxbw straight from memory, then vpmaddwd: two instructions per 16 codes.
            ref var pq = ref MemoryMarshal.GetReference(query);
            ref var pc = ref MemoryMarshal.GetReference(codes);
            var acc = Vector256<int>.Zero;
            for (; i <= codes.Length - Vector256<short>.Count; i += Vector256<short>.Count)
            {
                var row = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref pc, i)));
                acc += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref Unsafe.Add(ref pq, i)), row);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < codes.Length; i++)
        {
            sum += query[i] * codes[i];
        }

        return sum;
    }

    private static Vector128<int> WidenProduct(Vector128<short> a, Vector128<short> b)
    {
        var (aLow, aHigh) = Vector128.Widen(a);
        var (bLow, bHigh) = Vector128.Widen(b);
        return (aLow * bLow) + (aHigh * bHigh);
    }
}
