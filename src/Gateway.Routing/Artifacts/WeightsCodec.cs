using Gateway.Routing.Prediction;

namespace Gateway.Routing.Artifacts;

/// <summary>
/// <c>predictor.bin</c>: the magic <c>GWRP</c>, an int32 version, then four float32 little-endian blocks, each
/// preceded by its int32 length: affinity, hidden weights, bilinear, cross. Version 2 adds the contrast head: an
/// int32 feature count K, then four more blocks: mean, scale, centre, weights. Version 3 adds the further
/// members of an ensemble after that: an int32 count, then per member its α and β (float32), its four blocks and
/// its head (K, 0 for none, then the head's blocks). A single predictor is written as version 1 (no head) or 2.
/// </summary>
internal static class WeightsCodec
{
    private const int Magic = 0x50525747; // "GWRP"
    private const int Version = 1;
    private const int HeadVersion = 2;
    private const int EnsembleVersion = 3;

    public static byte[] Encode(PredictorWeights w)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(w.Members.Count > 0 ? EnsembleVersion : w.Head is null ? Version : HeadVersion);
            WriteBlocks(writer, w);
            if (w.Head is not null || w.Members.Count > 0)
            {
                WriteHead(writer, w.Head);
            }

            if (w.Members.Count > 0)
            {
                writer.Write(w.Members.Count);
                foreach (var member in w.Members)
                {
                    writer.Write(member.Alpha);
                    writer.Write(member.Bias);
                    WriteBlocks(writer, member);
                    WriteHead(writer, member.Head);
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
        if (magic != Magic || version is not (Version or HeadVersion or EnsembleVersion))
        {
            throw new InvalidDataException("unknown weights header");
        }

        var first = ReadBlocks(reader, bytes.Length, manifest, manifest.Predictor.Alpha, manifest.Predictor.Bias);
        if (version == Version)
        {
            return first;
        }

        first = first with { Head = ReadHead(reader, bytes.Length) };
        if (version == HeadVersion)
        {
            return first;
        }

        var count = reader.ReadInt32();
        if (count is < 0 or > 64)
        {
            throw new InvalidDataException($"the weights declare {count} ensemble members");
        }

        var members = new PredictorWeights[count];
        for (var m = 0; m < count; m++)
        {
            var alpha = reader.ReadSingle();
            var bias = reader.ReadSingle();
            members[m] = ReadBlocks(reader, bytes.Length, manifest, alpha, bias) with { Head = ReadHead(reader, bytes.Length) };
        }

        return first with { Members = members };
    }

    private static void WriteBlocks(BinaryWriter writer, PredictorWeights w)
    {
        foreach (var block in new[] { w.Affinity, w.HiddenWeights, w.Bilinear, w.Cross })
        {
            Write(writer, block);
        }
    }

    private static void WriteHead(BinaryWriter writer, ContrastHead? head)
    {
        writer.Write(head?.Features ?? 0);
        if (head is not null)
        {
            foreach (var block in new[] { head.Mean, head.Scale, head.Centre, head.Weights })
            {
                Write(writer, block);
            }
        }
    }

    private static PredictorWeights ReadBlocks(BinaryReader reader, int totalBytes, RouterManifest manifest, float alpha, float bias)
    {
        var blocks = new float[4][];
        for (var b = 0; b < blocks.Length; b++)
        {
            blocks[b] = ReadBlock(reader, totalBytes, b);
        }

        return new PredictorWeights(manifest.Encoder.Dimension, manifest.Tasks, manifest.Predictor.Hidden, blocks[0], blocks[1], blocks[2], blocks[3], alpha, bias);
    }

    private static ContrastHead? ReadHead(BinaryReader reader, int totalBytes)
    {
        var features = reader.ReadInt32();
        if (features == 0)
        {
            return null;
        }

        var parts = new float[4][];
        for (var b = 0; b < parts.Length; b++)
        {
            parts[b] = ReadBlock(reader, totalBytes, 4 + b);
        }

        return new ContrastHead(features, parts[0], parts[1], parts[2], parts[3]);
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
