using Gateway.Inference.Gguf;

namespace Gateway.UnitTests.Inference.Gguf;

public sealed class GgufWriterTests
{
    [Fact]
    public void Write_MetadataOfEveryType_ReadsBackEqual()
    {
        var writer = new GgufWriter(64)
            .Add("u8", new GgufValue(GgufValueType.UInt8, (byte)7))
            .Add("i8", new GgufValue(GgufValueType.Int8, (sbyte)-7))
            .Add("u16", new GgufValue(GgufValueType.UInt16, (ushort)700))
            .Add("i16", new GgufValue(GgufValueType.Int16, (short)-700))
            .Add("u32", GgufValue.Of(70000u))
            .Add("i32", GgufValue.Of(-70000))
            .Add("f32", GgufValue.Of(1.5f))
            .Add("bool", GgufValue.Of(true))
            .Add("str", GgufValue.Of("héllo"))
            .Add("u64", GgufValue.Of(1UL << 40))
            .Add("i64", new GgufValue(GgufValueType.Int64, -(1L << 40)))
            .Add("f64", new GgufValue(GgufValueType.Float64, 2.25))
            .Add("strings", GgufValue.Array(GgufValueType.String, new List<string> { "a", "bc" }))
            .Add("ints", GgufValue.Array(GgufValueType.Int32, new List<int> { 1, 2, 3 }));

        var info = RoundTrip(writer);

        Assert.Equal(3u, info.Version);
        Assert.Equal((byte)7, info.Metadata["u8"]);
        Assert.Equal((sbyte)-7, info.Metadata["i8"]);
        Assert.Equal((ushort)700, info.Metadata["u16"]);
        Assert.Equal((short)-700, info.Metadata["i16"]);
        Assert.Equal(70000u, info.Metadata["u32"]);
        Assert.Equal(-70000, info.Metadata["i32"]);
        Assert.Equal(1.5f, info.Metadata["f32"]);
        Assert.Equal(true, info.Metadata["bool"]);
        Assert.Equal("héllo", info.Metadata["str"]);
        Assert.Equal(1UL << 40, info.Metadata["u64"]);
        Assert.Equal(-(1L << 40), info.Metadata["i64"]);
        Assert.Equal(2.25, info.Metadata["f64"]);
        Assert.Equal(new object[] { "a", "bc" }, info.Metadata["strings"]);
        Assert.Equal(new object[] { 1, 2, 3 }, info.Metadata["ints"]);
        Assert.Equal(64u, info.Metadata["general.alignment"]);
    }

    [Fact]
    public void Write_TensorsOfOddSizes_EveryTensorAndTheDataSectionAligned()
    {
        var writer = new GgufWriter(32)
            .AddTensor("a", [3], [1, 2, 3])
            .AddTensor("b", [5, 2], new float[10])
            .AddTensor("c", [7], new float[7], GgufTensorType.F16);
        using var stream = new MemoryStream();
        writer.Write(stream);
        stream.Position = 0;

        var info = GgufReader.Read(stream);

        Assert.Equal(0, info.DataOffset % 32);
        Assert.All(info.Tensors, t => Assert.Equal(0UL, t.Offset % 32));
        Assert.Equal([0UL, 32UL, 96UL], info.Tensors.Select(t => t.Offset));
        Assert.Equal(new ulong[] { 5, 2 }, info.Tensors[1].Dims);
        Assert.Equal((uint)GgufTensorType.F16, info.Tensors[2].Type);
        // The first tensor's values sit at the data offset, little-endian F32.
        var bytes = stream.ToArray();
        Assert.Equal(2f, BitConverter.ToSingle(bytes, (int)info.DataOffset + 4));
        Assert.Equal(0, bytes.Length % 32);
    }

    [Theory]
    [InlineData(GgufTensorType.F32)]
    [InlineData(GgufTensorType.F16)]
    [InlineData(GgufTensorType.BF16)]
    [InlineData(GgufTensorType.Q8_0)]
    [InlineData(GgufTensorType.Q4_0)]
    public void AddTensor_Filled_WritesTheSameBytesAsTheValuesInMemory(GgufTensorType type)
    {
        // Several batches of chunks and a short last chunk: 2 x 96 rows of 4128 values is 6.05 chunks.
        const int rows = 2 * 96, width = 4128;
        static float Value(long i) => (float)Math.Sin(i * 0.001) * (1 + (i % 7));
        var values = new float[rows * width];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Value(i);
        }
        var fromMemory = new GgufWriter().AddTensor("t", [width, rows], values, type).AddTensor("n", [3], [1, 2, 3]);
        var filled = new GgufWriter().AddTensor("t", [width, rows], type, (first, chunk) =>
        {
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = Value(first + i);
            }
        }).AddTensor("n", [3], [1, 2, 3]);

        Assert.Equal(Bytes(fromMemory), Bytes(filled));
    }

    [Fact]
    public void AddTensor_ValueCountDiffersFromShape_Throws()
    {
        var writer = new GgufWriter();

        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [2, 2], new float[3]));
    }

    [Fact]
    public void Constructor_AlignmentNotAPowerOfTwo_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter(24));
    }

    [Fact]
    public void Read_NotAGgufFile_ThrowsInvalidData()
    {
        using var stream = new MemoryStream("not a model at all"u8.ToArray());

        Assert.Throws<InvalidDataException>(() => GgufReader.Read(stream));
    }

    private static GgufFileInfo RoundTrip(GgufWriter writer)
    {
        using var stream = new MemoryStream();
        writer.Write(stream);
        stream.Position = 0;
        return GgufReader.Read(stream);
    }

    private static byte[] Bytes(GgufWriter writer)
    {
        using var stream = new MemoryStream();
        writer.Write(stream);
        return stream.ToArray();
    }
}
