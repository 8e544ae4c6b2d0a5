using Gateway.State.Cache;

namespace Gateway.UnitTests.State;

public sealed class QuantizedVectorTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(384)]
    public void Dot_AnyLength_EqualsTheScalarSum(int length)
    {
        var random = new Random(length);
        var a = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var b = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var expected = a.Zip(b).Sum(p => p.First * p.Second);

        Assert.Equal(expected, QuantizedVector.Dot(a, b));
        Assert.Equal(expected, QuantizedVector.Dot(QuantizedVector.Widen(a), b));
    }

    [Fact]
    public void Quantize_UnitVector_KeepsTheCosineWithinAThousandth()
    {
        var random = new Random(3);
        var x = Normalised(Enumerable.Range(0, 384).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
        var y = Normalised(x.Select(v => v + (((float)random.NextDouble() - 0.5f) * 0.05f)).ToArray());
        var exact = x.Zip(y).Sum(p => p.First * p.Second);
        var qx = new sbyte[384];
        var qy = new sbyte[384];

        var cx = Code(x, qx, out var sx);
        var cy = Code(y, qy, out var sy);
        var approximate = QuantizedVector.Dot(cx, cy) * sx * sy;

        Assert.Equal(exact, approximate, 0.001f);
    }

    [Fact]
    public void Quantize_ZeroVector_ScaleZero()
    {
        var codes = new sbyte[4];

        Assert.Equal(0f, QuantizedVector.Quantize(new float[4], codes));
        Assert.All(codes, c => Assert.Equal(0, c));
    }

    private static sbyte[] Code(float[] v, sbyte[] codes, out float scale)
    {
        scale = QuantizedVector.Quantize(v, codes);
        return codes;
    }

    private static float[] Normalised(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
