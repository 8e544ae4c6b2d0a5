using Gateway.Inference.Gguf;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gateway.UnitTests.Inference.Gguf;

/// <summary>
/// Quantised matrices as llama.cpp reads them: the same random model written as F32, Q8_0 and Q4_0 is loaded by
/// LLamaSharp, and the quantised models' logits follow the F32 model's closely (a wrong block layout gives logits
/// unrelated to them).
/// </summary>
public sealed class QuantisedTensorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("quantised-").FullName;

    [Theory]
    [InlineData(GgufTensorType.Q8_0, 0.999)]
    [InlineData(GgufTensorType.Q4_0, 0.99)]
    [InlineData(GgufTensorType.BF16, 0.9999)]
    public void Write_QuantisedMatrices_LlamaCppLogitsFollowTheF32Model(GgufTensorType type, double minimumCorrelation)
    {
        var reference = Logits(Write("f32.gguf", GgufTensorType.F32));
        var quantised = Logits(Write(type + ".gguf", type));

        var correlation = Correlation(reference, quantised);

        Assert.True(correlation >= minimumCorrelation, $"{type}: logits correlate {correlation:F4} with the F32 model's.");
        Assert.True(correlation < 1.0, $"{type}: logits equal the F32 model's, so the matrices were not quantised.");
    }

    [Fact]
    public void Write_QuantisedMatrices_FileTypeAndTensorTypesRecorded()
    {
        var path = Write("q4.gguf", GgufTensorType.Q4_0);
        var info = GgufReader.Read(path);

        Assert.Equal(2u, info.Metadata["general.file_type"]);
        Assert.Equal((uint)GgufTensorType.Q4_0, info.Tensors.Single(t => t.Name == "blk.0.attn_q.weight").Type);
        Assert.Equal((uint)GgufTensorType.F32, info.Tensors.Single(t => t.Name == "blk.0.attn_norm.weight").Type);
        // 64 × 64 values in blocks of 32, 18 bytes a block: the next tensor starts 2,304 bytes (aligned) later.
        var q = info.Tensors.Single(t => t.Name == "blk.0.attn_q.weight");
        var next = info.Tensors.Where(t => t.Offset > q.Offset).Min(t => t.Offset);
        Assert.Equal(64UL * 64 / 32 * 18, next - q.Offset);
    }

    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1
    [InlineData(0xC0200000u, 0xC020)] // -2.5
    [InlineData(0x3F808000u, 0x3F80)] // halfway between 0x3F80 and 0x3F81: to the even one
    [InlineData(0x3F818000u, 0x3F82)] // halfway between 0x3F81 and 0x3F82: to the even one
    [InlineData(0x3F808001u, 0x3F81)] // just above halfway: up
    [InlineData(0x7F800000u, 0x7F80)] // infinity
    public void ToBFloat16_RoundsToNearestEven(uint bits, int expected) =>
        Assert.Equal((ushort)expected, GgufWriter.ToBFloat16(BitConverter.UInt32BitsToSingle(bits)));

    [Fact]
    public void ToBFloat16_NaN_StaysNaN()
    {
        var bits = GgufWriter.ToBFloat16(BitConverter.UInt32BitsToSingle(0x7F800001));

        Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle((uint)bits << 16)));
    }

    [Fact]
    public void Write_BFloat16Matrices_FileTypeAndSizeRecorded()
    {
        var info = GgufReader.Read(Write("bf16.gguf", GgufTensorType.BF16));

        Assert.Equal(32u, info.Metadata["general.file_type"]);
        var q = info.Tensors.Single(t => t.Name == "blk.0.attn_q.weight");
        Assert.Equal((uint)GgufTensorType.BF16, q.Type);
        Assert.Equal(64UL * 64 * 2, info.Tensors.Where(t => t.Offset > q.Offset).Min(t => t.Offset) - q.Offset);
    }

    [Fact]
    public void AddTensor_QuantisedRowsNotAMultipleOf32_Throws()
    {
        var writer = new GgufWriter();

        var error = Assert.Throws<ArgumentException>(() => writer.AddTensor("w", [48, 2], new float[96], GgufTensorType.Q4_0));

        Assert.Contains("multiple of 32", error.Message, StringComparison.Ordinal);
    }

    private string Write(string name, GgufTensorType type)
    {
        var path = Path.Combine(_dir, name);
        TinyModel.Write(path, new TinyModelOptions { Seed = 3, MatrixType = type });
        return path;
    }

    private static float[] Logits(string path)
    {
        var parameters = new ModelParams(path) { ContextSize = 64, Threads = 1, BatchThreads = 1 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var prompt = context.Tokenize("the quick brown fox", addBos: true);
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Length; i++)
        {
            batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Length - 1);
        }

        Assert.Equal(DecodeResult.Ok, context.Decode(batch));
        return context.NativeHandle.GetLogitsIth(prompt.Length - 1).ToArray();
    }

    private static double Correlation(float[] x, float[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
