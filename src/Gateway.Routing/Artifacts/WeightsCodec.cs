using Gateway.Routing.Prediction;

namespace Gateway.Routing.Artifacts;

/// <summary>
/// <c>predictor.bin</c>: the magic <c>GWRP</c>, an int32 version, then four float32 little-endian blocks, each
/// preceded by its int32 length: affinity, hidden weights, bilinear, cross. Version 2 adds the contrast head: an
/// int32 feature count K, then four more blocks: mean, scale, centre, weights. A predictor without the head is
/// written as version 1.
/// </summary>
internal static class WeightsCodec
{
    private const int Magic = 0x50525747; // "GWRP"
    private const int Version = 1;
    private const int HeadVersion = 2;

    public static byte[] Encode(PredictorWeights w)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(w.Head is null ? Version : HeadVersion);
            foreach (var block in new[] { w.Affinity, w.HiddenWeights, w.Bilinear, w.Cross })
            {
                Write(writer, block);
            }

            if (w.Head is { } head)
            {
                writer.Write(head.Features);
                foreach (var block in new[] { head.Mean, head.Scale, head.Centre, head.Weights })
                {
                    Write(writer, block);
                }
            }
        }

        return stream.ToArray();
    }

    public static PredictorWeights Decode(byte[] bytes, RouterManifest manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var magic = reader.ReadInt32();
        var version = reader.ReadInt32();
        if (magic != Magic || version is not (Version or HeadVersion))
        {
            throw new InvalidDataException("unknown weights header");
        }

        var blocks = new float[4][];
        for (var b = 0; b < blocks.Length; b++)
        {
            blocks[b] = ReadBlock(reader, bytes.Length, b);
        }

        ContrastHead? head = null;
        if (version == HeadVersion)
        {
            var features = reader.ReadInt32();
            var parts = new float[4][];
            for (var b = 0; b < parts.Length; b++)
            {
                parts[b] = ReadBlock(reader, bytes.Length, blocks.Length + b);
            }

            head = new ContrastHead(features, parts[0], parts[1], parts[2], parts[3]);
        }

        return new PredictorWeights(
            manifest.Encoder.Dimension, manifest.Tasks, manifest.Predictor.Hidden,
            blocks[0], blocks[1], blocks[2], blocks[3], manifest.Predictor.Alpha, manifest.Predictor.Bias)
        { Head = head };
    }

    private static void Write(BinaryWriter writer, float[] block)
    {
        writer.Write(block.Length);
        foreach (var x in block)
        {
            writer.Write(x);
        }
    }

    private static float[] ReadBlock(BinaryReader reader, int totalBytes, int index)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > (totalBytes / 4))
        {
            throw new InvalidDataException($"block {index} declares {length} values");
        }

        var block = new float[length];
        for (var i = 0; i < length; i++)
        {
            block[i] = reader.ReadSingle();
        }

        return block;
    }
}
